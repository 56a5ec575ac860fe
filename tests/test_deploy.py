"""The hosting recipes in deploy/: settings Streamlit knows, nginx configs nginx accepts,
manifests that parse, pins that satisfy requirements.txt, clear messages for bad input.

(``tests/e2e/test_proxy.py`` runs ``deploy/run-local.sh`` for real.)
"""
from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from packaging.requirements import Requirement

REPO = Path(__file__).resolve().parents[1]
DEPLOY = REPO / "deploy"
NGINX = shutil.which("nginx", path=f"{os.environ.get('PATH', '')}:/usr/sbin:/sbin")


def _load_nginx_conf():
    spec = importlib.util.spec_from_file_location("nginx_conf", DEPLOY / "nginx_conf.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


nginx_conf = _load_nginx_conf()


def hosted_settings() -> dict[str, str]:
    lines = (DEPLOY / "hosted.env").read_text().splitlines()
    return dict(line.split("=", 1) for line in lines if line.strip() and not line.startswith("#"))


def test_every_hosted_setting_is_a_streamlit_option_with_a_valid_value():
    from streamlit import config

    options = {option.env_var: option for option in config._config_options_template.values()}
    settings = hosted_settings()
    # The one setting that is not Streamlit's: the C allocator's arenas (read by glibc at start).
    assert settings.pop("MALLOC_ARENA_MAX") == "2"
    for name, value in settings.items():
        assert name in options, f"{name} is not a Streamlit setting"
        option = options[name]
        if option.type is bool:
            assert value in ("true", "false"), (name, value)
        elif option.type is int:
            int(value)
    assert settings["STREAMLIT_RUNNER_POST_SCRIPT_GC"] == "false"
    assert settings["STREAMLIT_CLIENT_TOOLBAR_MODE"] == "viewer"
    assert settings["STREAMLIT_CLIENT_SHOW_ERROR_DETAILS"] == "none"
    assert settings["STREAMLIT_SERVER_ENABLE_XSRF_PROTECTION"] == "true"
    assert settings["STREAMLIT_SERVER_MAX_UPLOAD_SIZE"] == "10"
    assert settings["STREAMLIT_BROWSER_GATHER_USAGE_STATS"] == "false"
    # The secret comes from the environment, the same for every replica; never from the repository.
    assert "STREAMLIT_SERVER_COOKIE_SECRET" not in settings


def test_the_nginx_config_routes_by_cookie_and_names_every_process():
    text = nginx_conf.nginx_conf("127.0.0.1:8080", ["127.0.0.1:9001", "127.0.0.1:9002", "127.0.0.1:9003"])
    assert "map $cookie_np_replica $np_group" in text
    for name, port in (("r0", 9001), ("r1", 9002), ("r2", 9003)):
        assert f"        {name} np_{name};" in text
        assert f"127\\.0\\.0\\.1:{port}$ {name};" in text
        group = text.split(f"upstream np_{name} {{")[1].split("}")[0]
        servers = [line.split()[1] for line in group.strip().splitlines()]
        # Its own process first, every other one as a backup.
        assert servers[0] == f"127.0.0.1:{port}" and len(servers) == 3
        assert group.count(" backup;") == 2
    assert "proxy_set_header Upgrade $http_upgrade;" in text
    assert "proxy_next_upstream error timeout http_502 http_503;" in text


@pytest.mark.parametrize("listen, backends, problem", [
    ("127.0.0.1:8080", [], "at least one"),
    ("8080", ["127.0.0.1:9001"], "not host:port"),
    ("127.0.0.1:8080", ["127.0.0.1:9001; evil"], "not host:port"),
    ("127.0.0.1:8080", ["127.0.0.1:9001", "127.0.0.1:9001"], "twice"),
])
def test_bad_addresses_are_refused_with_a_message(listen, backends, problem):
    with pytest.raises(ValueError, match=problem):
        nginx_conf.nginx_conf(listen, backends)
    command = [sys.executable, str(DEPLOY / "nginx_conf.py"), "--listen", listen]
    for backend in backends:
        command += ["--backend", backend]
    result = subprocess.run(command, capture_output=True, text=True)
    assert result.returncode == 2 and problem in result.stderr and "Traceback" not in result.stderr


@pytest.mark.skipif(NGINX is None, reason="nginx is not installed (Debian: apt-get install nginx)")
def test_nginx_accepts_the_generated_config(tmp_path):
    conf = tmp_path / "nginx.conf"
    conf.write_text(nginx_conf.nginx_conf("127.0.0.1:8080", ["127.0.0.1:9001", "127.0.0.1:9002"], str(tmp_path)))
    result = subprocess.run([NGINX, "-t", "-p", str(tmp_path), "-c", str(conf)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def compose() -> dict:
    yaml = pytest.importorskip("yaml")
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text())


def test_the_compose_nginx_config_is_the_generated_one_for_the_compose_addresses(tmp_path):
    services = compose()["services"]
    apps = sorted(name for name in services if name.startswith("app"))
    backends = [f"{services[name]['networks']['playground']['ipv4_address']}:8501" for name in apps]
    expected = nginx_conf.nginx_conf("0.0.0.0:8080", backends, user="nginx")
    assert (DEPLOY / "nginx" / "compose.conf").read_text() == expected
    assert services["proxy"]["volumes"] == ["./nginx/compose.conf:/etc/nginx/nginx.conf:ro"]
    for name in apps:
        assert services[name]["env_file"] == "hosted.env"
        assert "STREAMLIT_SERVER_COOKIE_SECRET" in services[name]["environment"]
    if NGINX is not None:        # nginx's image has the user "nginx"; this machine may not
        conf = tmp_path / "nginx.conf"
        conf.write_text(nginx_conf.nginx_conf("127.0.0.1:8080", backends, str(tmp_path)))
        result = subprocess.run([NGINX, "-t", "-p", str(tmp_path), "-c", str(conf)], capture_output=True, text=True)
        assert result.returncode == 0, result.stderr


def test_the_kubernetes_manifests_probe_health_and_keep_visitors_on_their_pod():
    yaml = pytest.importorskip("yaml")
    manifests = {doc["kind"]: doc for path in sorted((DEPLOY / "k8s").glob("*.yaml"))
                 for doc in yaml.safe_load_all(path.read_text())}
    assert set(manifests) == {"Deployment", "Service", "Ingress"}
    container = manifests["Deployment"]["spec"]["template"]["spec"]["containers"][0]
    for probe in ("readinessProbe", "livenessProbe"):
        assert container[probe]["httpGet"]["path"] == "/_stcore/health"
    assert manifests["Deployment"]["spec"]["template"]["spec"]["securityContext"]["runAsNonRoot"] is True
    assert manifests["Service"]["spec"]["sessionAffinity"] == "ClientIP"
    assert manifests["Ingress"]["metadata"]["annotations"]["nginx.ingress.kubernetes.io/affinity"] == "cookie"


def test_the_lock_pins_every_requirement_within_its_range():
    pins = {}
    for line in (DEPLOY / "requirements.lock").read_text().splitlines():
        if line and not line.startswith("#"):
            name, version = line.split("==")
            pins[name.lower()] = version
    for line in (REPO / "requirements.txt").read_text().splitlines():
        text = line.split("#")[0].strip()
        if text:
            requirement = Requirement(text)
            name = requirement.name.lower()
            assert name in pins, f"{name} is not pinned in deploy/requirements.lock"
            assert requirement.specifier.contains(pins[name]), (name, pins[name], str(requirement.specifier))


def test_the_container_runs_as_a_user_and_checks_health():
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    users = [line.split()[1] for line in dockerfile.splitlines() if line.startswith("USER ")]
    assert users and users[-1] not in ("root", "0")
    assert "HEALTHCHECK" in dockerfile and "/_stcore/health" in dockerfile
    assert "requirements.lock" in dockerfile


@pytest.mark.parametrize("args, env, message", [
    (["2"], {}, "usage:"),
    (["0", "8080"], {}, "REPLICAS must be 1 to 32"),
    (["2", "80x"], {}, "PORT must be 1 to 65535"),
    (["2", "8080"], {"NGINX": "/nonexistent/nginx"}, "apt-get install nginx"),
])
def test_run_local_says_what_is_wrong(args, env, message):
    result = subprocess.run(["bash", str(DEPLOY / "run-local.sh"), *args], capture_output=True, text=True,
                            env={**os.environ, **env}, timeout=30)
    assert result.returncode != 0 and message in result.stderr, result.stderr
