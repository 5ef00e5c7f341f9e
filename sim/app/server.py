"""Start the workshop app: check the offline assets, warm the process pool, serve with uvicorn.

The pool's workers load the compiled kernels before the server answers its first request,
so the first figure of a run appears within seconds.
"""

from __future__ import annotations

import atexit
import os
import shutil
import sys
import tempfile

APP = "sim.app.page:Page"


def serve(host: str, port: int, workers: int = 2) -> int:
    """Serve the app until interrupted; exit status 2 when the offline assets are missing."""
    os.environ["SOLARA_APP"] = APP
    os.environ.setdefault("SOLARA_MODE", "production")
    os.environ["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] = "false"
    from sim.app import assets

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
