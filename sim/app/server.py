"""Start the workshop app: check the offline assets, warm the process pool, serve with uvicorn.

The pool's workers load the compiled kernels before the server answers its first request,
so the first figure of a run appears within seconds.
"""

from __future__ import annotations

import atexit
import os
import shutil
import socket
import subprocess  # noqa: S404 - tests and benchmarks start the app as a child process
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

APP = "sim.app.page:Page"


def serve(host: str, port: int, workers: int = 2) -> int:
    """Serve the app until interrupted; exit status 2 when the offline assets are missing."""
    os.environ["SOLARA_APP"] = APP
    os.environ.setdefault("SOLARA_MODE", "production")
    os.environ["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] = "false"
    os.environ["SOLARA_THEME_SHOW_BANNER"] = "false"  # no English advertisement on a Dutch page
    os.environ["SOLARA_THEME_TITLE"] = "wijkteam-sim"
    from solara.server import settings

    from sim.app import assets
    from sim.report.bundle import PLOTLY_JS

    settings.assets.extra_locations = [str(PLOTLY_JS.parent)]  # the page's charts load plotly.js from here

    missing = assets.missing()
    if missing:
        print(f"wijkteam app: Solara assets missing in {assets.cache_dir()}: {', '.join(missing)}; "
              f"install them with: {sys.executable} -m sim.app.assets", file=sys.stderr)
        return 2
    tmp = tempfile.mkdtemp(prefix="wijkteam-app-")
    os.environ["WIJKTEAM_APP_TMP"] = tmp
    atexit.register(shutil.rmtree, tmp, True)
    import uvicorn

    from sim.app import worker
    from sim.app.profiles import load_profile

    print(f"wijkteam app: starting {workers} simulation workers (loading the compiled kernels)", flush=True)
    worker.start(load_profile("kleindorp").model_dump(mode="json"), workers)
    try:
        print(f"wijkteam app: open http://{host}:{port}/ (Ctrl-C stops)", flush=True)
        config = uvicorn.Config("solara.server.starlette:app", host=host, port=port, log_level="warning")
        uvicorn.Server(config).run()
    finally:
        worker.stop()
    return 0


def launch(port: int, log_path: Path, timeout: float = 300.0) -> subprocess.Popen:
    """Start `wijkteam app` in a subprocess (for tests and benchmarks) and wait until it answers.

    Raises RuntimeError with the server's output when it exits or stays silent past `timeout`.
    """
    url = f"http://127.0.0.1:{port}/"
    env = {**os.environ, "NUMBA_NUM_THREADS": os.environ.get("NUMBA_NUM_THREADS", "1")}
    with open(log_path, "w") as log:
        proc = subprocess.Popen([sys.executable, "-m", "sim", "app", "--port", str(port)],  # noqa: S603
                                stdout=log, stderr=subprocess.STDOUT, env=env)
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as r:  # noqa: S310 - our own local server
                if r.status == 200:
                    return proc
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            raise RuntimeError(f"wijkteam app did not answer on {url}:\n{log_path.read_text(errors='replace')}")
        time.sleep(0.5)


def free_port() -> int:
    """A local TCP port nobody listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
