"""corroborate: verified, deduplicated incident records from war footage and reports."""

import os

# FAISS searches on OpenMP threads, whose default is to spin at every barrier. In a process
# that shares the cores with others (an ingest's single writer beside its workers, a web
# server's processes), a spinning thread holds a core the thread with work needs: a frame
# search took 5-20x the wall time and 4-10x the CPU of waiting threads that sleep (measured in
# benchmarks/scale.py's notes). Read once, when FAISS's OpenMP starts: set before any import of
# it, and a value the user set is kept.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

__version__ = "0.1.0"
