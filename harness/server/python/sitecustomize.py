"""leakbench's tracemalloc hook for `leakbench run --native --cmd "python3 app.py"`.

Python imports `sitecustomize` at start-up from PYTHONPATH, before the user's code, so the
server's own code needs no change. With LEAKBENCH_TRACEMALLOC_DIR set it starts tracemalloc
(LEAKBENCH_TRACEMALLOC_FRAMES frames per traceback, default 1: each frame costs CPU on every
allocation) and, on SIGUSR2, forks: the child takes the snapshot and writes
`snapshot-<n>.txt` (one line per traceback: size, count, frames innermost first) and then
`snapshot-<n>.txt.done`; the server only pauses for the fork. A user's own sitecustomize further
down PYTHONPATH is imported afterwards.
"""
import os
import signal
import sys
import threading
import tracemalloc

_dir = os.environ.get("LEAKBENCH_TRACEMALLOC_DIR")


def _write_snapshot(path):
    snapshot = tracemalloc.take_snapshot().filter_traces(
        (tracemalloc.Filter(False, tracemalloc.__file__), tracemalloc.Filter(False, __file__))
    )
    with open(path, "w") as out:
        current, peak = tracemalloc.get_traced_memory()
        out.write("# traced %d peak %d overhead %d\n" % (current, peak, tracemalloc.get_tracemalloc_memory()))
        for stat in snapshot.statistics("traceback"):
            frames = "|".join("%s:%d" % (f.filename, f.lineno) for f in reversed(stat.traceback))
            out.write("%d\t%d\t%s\n" % (stat.size, stat.count, frames))
    open(path + ".done", "w").close()


if _dir:
    try:
        _frames = max(1, int(os.environ.get("LEAKBENCH_TRACEMALLOC_FRAMES") or "1"))
    except ValueError:
        _frames = 1
    tracemalloc.start(_frames)
    _taken = [0]

    def _on_signal(signum, frame):
        index = _taken[0]
        _taken[0] += 1
        pid = os.fork()
        if pid == 0:
            code = 0
            try:
                _write_snapshot(os.path.join(_dir, "snapshot-%d.txt" % index))
            except BaseException as err:  # the child must never return into the server's code
                sys.stderr.write("leakbench tracemalloc snapshot failed: %r\n" % (err,))
                code = 1
            finally:
                os._exit(code)
        # Reap the child without blocking the server.
        threading.Thread(target=os.waitpid, args=(pid, 0), daemon=True).start()

    signal.signal(signal.SIGUSR2, _on_signal)

# Chain to a user's own sitecustomize later on the path, if there is one.
_here = os.path.dirname(os.path.abspath(__file__))
for _entry in sys.path:
    if _entry and os.path.abspath(_entry) != _here and os.path.isfile(os.path.join(_entry, "sitecustomize.py")):
        import importlib.util

        _spec = importlib.util.spec_from_file_location("_leakbench_user_sitecustomize", os.path.join(_entry, "sitecustomize.py"))
        if _spec and _spec.loader:
            _spec.loader.exec_module(importlib.util.module_from_spec(_spec))
        break
