"""The package builds (wheel and sdist), passes twine check, and installs into a fresh venv."""

from __future__ import annotations

import subprocess
import sys
import venv
import zipfile
from pathlib import Path

from somaagent import __version__
from somaagent._operations import OPERATIONS

SDK = Path(__file__).resolve().parent.parent


def _run(*args: str, cwd: Path = SDK) -> str:
    result = subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, f"{' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def test_build_check_and_install_in_a_fresh_venv(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    # The build backend (hatchling) is in the test venv: no isolation, so no download.
    _run(sys.executable, "-m", "build", "--no-isolation", "--outdir", str(dist), str(SDK))
    wheels = sorted(dist.glob("somaagent-0.1.0-py3-none-any.whl"))
    sdists = sorted(dist.glob("somaagent-0.1.0.tar.gz"))
    assert len(wheels) == 1 and len(sdists) == 1
    _run(sys.executable, "-m", "twine", "check", "--strict", str(wheels[0]), str(sdists[0]))

    names = zipfile.ZipFile(wheels[0]).namelist()
    assert "somaagent/py.typed" in names and "somaagent/_operations.py" in names
    assert not any(name.startswith("tests/") or "__pycache__" in name for name in names)

    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    _run(str(python), "-m", "pip", "install", "--disable-pip-version-check", "-q", str(wheels[0]))
    out = _run(
        str(python),
        "-c",
        "import somaagent, pathlib; "
        "from somaagent._operations import OPERATIONS; "
        "c = somaagent.SomaAgent(api_key='x'); "
        "print(somaagent.__version__, len(OPERATIONS), pathlib.Path(somaagent.__file__).parent.joinpath('py.typed').exists())",
        cwd=tmp_path,
    )
    assert out.split() == [__version__, str(len(OPERATIONS)), "True"]
