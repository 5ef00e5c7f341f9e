"""Solara's browser assets, installed once from the npm registry so the app runs offline.

Solara's page loads its JavaScript and CSS (the Vuetify app, RequireJS, Font Awesome) from
its own server, which serves them from a cache folder in the environment and would fetch a
missing one from a CDN. `python -m sim.app.assets` (run by `make`) puts the exact versions
the installed Solara names into that folder with `npm pack`, so nothing is fetched at run
time; `wijkteam app` refuses to start while one is missing. On a machine without npm the
step only says so, and the rest of the project works as before.
"""

from __future__ import annotations

import re
import shutil
import subprocess  # noqa: S404 - runs npm (a fixed command) to fetch packages from the npm registry
import sys
import tarfile
import tempfile
from pathlib import Path


def cache_dir() -> Path:
    """The folder Solara's server serves its CDN assets from."""
    from solara.server import settings

    return Path(settings.assets.proxy_cache_dir)


def required() -> list[str]:
    """The npm packages (name@version) the installed Solara's page template loads."""
    import solara.server.server as server
    from solara.server import settings

    template = (Path(server.__file__).parent / "templates" / "solara.html.j2").read_text(encoding="utf-8")
    app = "solara-vuetify3-app" if server.vue3 else "solara-vuetify-app"
    out = [f"@widgetti/{app}@{re.search(app + r'@([\d.]+)', template).group(1)}",
           f"requirejs@{re.search(r'requirejs@([\d.]+)', template).group(1)}"]
    if settings.assets.fontawesome_enabled:
        out.append(settings.assets.fontawesome_path.strip("/").split("/")[0])
    return out


def missing() -> list[str]:
    """The required packages not yet in the cache folder."""
    return [p for p in required() if not (cache_dir() / p / "package.json").is_file()]


def fetch(package: str, into: Path) -> None:
    """Download one package with `npm pack` and unpack it as <into>/<name@version>/."""
    npm = shutil.which("npm")
    if npm is None:
        raise RuntimeError("npm not found: install Node.js and npm (Debian: apt-get install nodejs npm)")
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([npm, "pack", package, "--silent", "--pack-destination", tmp], check=True,  # noqa: S603
                       capture_output=True, timeout=600)
        tarball = next(Path(tmp).glob("*.tgz"))
        staging = Path(tmp) / "unpacked"
        with tarfile.open(tarball) as tar:
            tar.extractall(staging, filter="data")
        target = into / package
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(target.name + ".partial")
        shutil.rmtree(partial, ignore_errors=True)
        shutil.move(staging / "package", partial)
        partial.rename(target)


def main() -> int:
    """Install every missing asset package; print what was done.

    Without npm it says what the workshop app will need and succeeds: set-up, runs, reports
    and the tests (the browser tests skip without Chromium) need only Python.
    """
    todo = missing()
    if todo and shutil.which("npm") is None:
        print(f"npm not found: the workshop app's browser assets ({', '.join(todo)}) are not installed; "
              f"everything else works. For `wijkteam app`, install Node.js and npm (Debian: apt-get install npm) "
              f"and run: {sys.executable} -m sim.app.assets")
        return 0
    for package in todo:
        print(f"fetching {package} from the npm registry into {cache_dir()}")
        fetch(package, cache_dir())
    if not todo:
        print(f"Solara assets present in {cache_dir()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
