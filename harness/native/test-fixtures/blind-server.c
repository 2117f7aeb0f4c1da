/*
 * A native HTTP server heaptrack cannot fully see, for `run --native`'s blind-spot tests. Every
 * request with an X-API-Key keeps LEAK_BYTES (512) bytes for ever. Built without -g (no debug
 * info); with -DOWN_ALLOCATOR the kept bytes come from its own mmap arena instead of malloc, as in
 * a server that links its own allocator, so heaptrack sees almost no allocations.
 * One request per connection (`connection: close`), loopback only, PORT from the environment;
 * SIGTERM ends it cleanly.
 */
#include <netinet/in.h>
#include <arpa/inet.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#define LEAK_BYTES 512
static volatile sig_atomic_t stopping = 0;
static void on_term(int sig) { (void)sig; stopping = 1; }

#ifdef OWN_ALLOCATOR
static char *arena = NULL;
static size_t arena_used = 0, arena_size = 0;
static void *keep(size_t n) {
  if (arena_used + n > arena_size) {
    arena_size = 64u << 20;
    arena = mmap(NULL, arena_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    arena_used = 0;
  }
  void *p = arena + arena_used;
  arena_used += n;
  return p;
}
#else
static void *keep(size_t n) { return malloc(n); }
#endif

struct kept { struct kept *next; char bytes[LEAK_BYTES]; };
static struct kept *kept_list = NULL;

int main(void) {
  const char *port_text = getenv("PORT");
  int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in addr = {0};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port_text ? atoi(port_text) : 0);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(fd, (struct sockaddr *)&addr, sizeof addr) != 0 || listen(fd, 128) != 0) return 1;
  struct sigaction sa = {0};
  sa.sa_handler = on_term;
  sigaction(SIGTERM, &sa, NULL);
  static char buf[65536];
  const char *ok = "HTTP/1.1 200 OK\r\nconnection: close\r\ncontent-type: application/json\r\ncontent-length: 11\r\n\r\n{\"ok\":true}";
  while (!stopping) {
    int c = accept(fd, NULL, NULL);
    if (c < 0) continue;
    size_t have = 0;
    for (;;) {
      ssize_t n = read(c, buf + have, sizeof buf - 1 - have);
      if (n <= 0) break;
      have += (size_t)n;
      buf[have] = 0;
      char *end;
      while ((end = strstr(buf, "\r\n\r\n")) != NULL) {
        *end = 0;
        if (strcasestr(buf, "x-api-key:")) {
          struct kept *k = keep(sizeof *k);
          memset(k->bytes, 'k', sizeof k->bytes);
          k->next = kept_list;
          kept_list = k;
        }
        if (write(c, ok, strlen(ok)) < 0) break;
        have = 0; /* one request per connection (connection: close): no other client waits on this one */
        break;
      }
      if (have == 0 || have >= sizeof buf - 1) break;
    }
    close(c);
  }
  close(fd);
  return 0;
}
