"""platform/ runs Podium on many machines; what cannot run here (no Docker daemon, no cluster, no systemd as
init) is read and cross-checked: every process runs the Procfile's command, every variable set is one that
Podium reads, and each file is what its tool accepts where the tool runs offline (`systemd-analyze verify`,
`kubectl kustomize`). tests/integration/test_across_machines.py runs the processes themselves on separate
var/ folders, S3, PostgreSQL and Redis or RabbitMQ."""

import configparser
import json
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.services import missing
from tests.stack import BIN, ROOT

PLATFORM = ROOT / "platform"
SYSTEMD = PLATFORM / "systemd"
KUBERNETES = PLATFORM / "kubernetes"
PROCESSES = ("web", "worker", "beat")
# What the files may run besides the Procfile's processes: management commands of Podium's own.
MANAGE_COMMANDS = {("migrate", "--noinput"), ("clean_storage",), ("collectstatic", "--noinput")}
# Variables read by others than config/settings.py: the Procfile (the web's address), boto3 (S3
# credentials, docs/configuration.md) and Python.
READ_ELSEWHERE = {"PODIUM_BIND", "PORT", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "PYTHONUNBUFFERED"}
VARIABLE = re.compile(r"\$\{(\w+)(?::-([^}]*))?\}")


def settings_variables() -> set[str]:
    """Every environment variable config/settings.py reads."""
    source = (ROOT / "config" / "settings.py").read_text()
    return set(
        re.findall(r"""(?:os\.environ\.get\(|os\.environ\[|env_bool\(|env_list\()\s*["'](\w+)["']""", source)
    )


KNOWN = settings_variables() | READ_ELSEWHERE


def procfile() -> dict[str, str]:
    lines = (ROOT / "Procfile").read_text().splitlines()
    return dict(line.split(": ", 1) for line in lines if line.strip())


def expand(command: str, env: dict[str, str]) -> list[str]:
    """The command's words with ${NAME} and ${NAME:-default} filled from env, as a shell (or systemd) would."""
    return shlex.split(VARIABLE.sub(lambda m: env.get(m[1], m[2] or ""), command))


def program_words(words: list[str]) -> list[str]:
    """The words with the program named by its name alone (/srv/podium/.venv/bin/celery is celery)."""
    return [Path(words[0]).name, *words[1:]]


def runs(words: list[str], env: dict[str, str]) -> str:
    """Which Procfile process these words run, or which management command; fails on anything else."""
    words = program_words(words)
    for name, command in procfile().items():
        if words == expand(command, env):
            return name
    if words[:2] == ["python", "manage.py"] and tuple(words[2:]) in MANAGE_COMMANDS:
        return "manage.py " + " ".join(words[2:])
    raise AssertionError(f"{words} is neither a Procfile command nor one of {sorted(MANAGE_COMMANDS)}")


def env_file(path: Path) -> dict[str, str]:
    pairs = {}
    for line in path.read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, value = line.partition("=")
            assert re.fullmatch(r"[A-Z][A-Z0-9_]*", name), f"{path.name}: {line!r}"
            assert not value.startswith(("'", '"')), f"{path.name}: systemd and Compose read quotes apart"
            pairs[name] = value
    return pairs


ENV_EXAMPLE = env_file(PLATFORM / "podium.env.example")


# --- systemd ------------------------------------------------------------------------------------------------
def unit(path: Path) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None, delimiters=("=",))
    parser.optionxform = str  # systemd's keys are case-sensitive
    parser.read_string(path.read_text())
    return parser


def unit_environment(service: configparser.SectionProxy) -> dict[str, str]:
    """What the unit's process sees: the shared environment file, then its own Environment= lines."""
    assert service["EnvironmentFile"] == "/etc/podium/podium.env"
    env = dict(ENV_EXAMPLE)
    for assignment in shlex.split(service.get("Environment", "")):
        name, _, value = assignment.partition("=")
        env[name] = value
    return env


SERVICES = sorted(SYSTEMD.glob("*.service"))


def unit_runs(path: Path) -> str:
    service = unit(path)["Service"]
    env = unit_environment(service)
    words = expand(service["ExecStart"], env)  # systemd fills ${NAME} from the environment
    if path.name == "podium-worker@.service":  # instances on one host need names of their own
        assert words[-2:] == ["--hostname", "worker%i@%H"]
        words = words[:-2]
    if path.name == "podium-sandbox@.service":
        assert words[-2:] == ["--hostname", "sandbox%i@%H"]
        words = [*words[:-2], "--hostname", "sandbox@%h"]
    return runs(words, env)


@pytest.mark.parametrize("path", SERVICES, ids=lambda path: path.name)
def test_each_systemd_unit_runs_a_procfile_command_as_podium_from_the_checkout(path):
    service = unit(path)["Service"]

    ran = unit_runs(path)

    assert (service["User"], service["WorkingDirectory"]) == ("podium", "/srv/podium")
    assert service["ExecStart"].startswith("/srv/podium/.venv/bin/")
    assert service["ReadWritePaths"] == ENV_EXAMPLE["PODIUM_VAR_DIR"]
    expected = {
        "podium-web.service": "web",
        "podium-web-read.service": "web",
        "podium-worker@.service": "worker",
        "podium-sandbox@.service": "sandbox",
        "podium-beat.service": "beat",
        "podium-migrate.service": "manage.py migrate --noinput",
        "podium-clean-uploads.service": "manage.py clean_storage",
    }
    assert ran == expected[path.name]


def test_every_process_of_the_procfile_has_a_unit():
    """The sandbox worker runs on hosts of its own with bubblewrap, under systemd; Compose and Kubernetes do not
    run it yet (docs/sandbox.md)."""
    assert {unit_runs(path) for path in SERVICES} >= set(procfile()) == {*PROCESSES, "sandbox"}


def test_the_web_unit_serves_on_loopback_behind_nginx():
    service = unit(SYSTEMD / "podium-web.service")["Service"]
    env = unit_environment(service)

    assert (env["PODIUM_BIND"], env["PORT"]) == ("127.0.0.1", "8000")  # nginx's default upstream
    assert shlex.split(service["ExecStartPre"])[1:] == ["manage.py", "collectstatic", "--noinput"]


def test_the_read_pool_unit_serves_on_the_read_upstream_nginx_sends_board_reads_to():
    service = unit(SYSTEMD / "podium-web-read.service")["Service"]
    env = unit_environment(service)

    assert (env["PODIUM_BIND"], env["PORT"], env["PODIUM_WEB_POOL"]) == ("127.0.0.1", "8001", "read")
    assert f"{env['PODIUM_BIND']}:{env['PORT']}" == read_upstream_default()
    assert "PODIUM_WEB_POOL" not in unit_environment(unit(SYSTEMD / "podium-web.service")["Service"])


def read_upstream_default() -> str:
    from tests.nginx import shipped_renderer

    return shipped_renderer().values_for(var_dir=Path("/srv/podium/var"))["READ_UPSTREAM"]


def test_the_cleanup_timer_starts_the_cleanup_unit():
    timer = unit(SYSTEMD / "podium-clean-uploads.timer")

    assert (SYSTEMD / timer["Timer"]["Unit"]).exists()
    assert timer["Timer"]["OnCalendar"] == "hourly"


def test_systemd_accepts_every_unit(tmp_path):
    """`systemd-analyze verify` reads the units as systemd would; the paths point at this checkout, since it
    also checks that each program exists."""
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        missing("systemd-analyze is not installed (apt-get install -y systemd)")
    for path in SYSTEMD.iterdir():
        text = path.read_text().replace("/srv/podium/.venv/bin/", f"{BIN}/")
        (tmp_path / path.name).write_text(text.replace("=/srv/podium\n", f"={ROOT}\n"))
    names = [p.name.replace("@.", "@1.") for p in sorted(tmp_path.iterdir())]

    done = subprocess.run(
        [analyze, "verify", "--man=no", *names], cwd=tmp_path, capture_output=True, text=True, timeout=60
    )

    assert done.returncode == 0, done.stderr
    assert done.stderr == ""


# --- Compose and the image ---------------------------------------------------------------------------------
COMPOSE = yaml.safe_load((PLATFORM / "compose.yaml").read_text())


def compose_environment(service: dict) -> dict[str, str]:
    assert service["env_file"] == "podium.env"
    return {**ENV_EXAMPLE, **{name: str(value) for name, value in service.get("environment", {}).items()}}


def test_compose_runs_the_procfiles_processes_from_the_image_built_by_the_dockerfile():
    podium = {
        name: service
        for name, service in COMPOSE["services"].items()
        if service.get("image") == "podium:latest"
    }

    ran = {name: runs(service["command"], compose_environment(service)) for name, service in podium.items()}

    assert ran == {
        "web": "web",
        "web-read": "web",
        "worker": "worker",
        "beat": "beat",
        "migrate": "manage.py migrate --noinput",
    }
    for service in podium.values():
        assert service["build"] == {"context": "..", "dockerfile": "platform/Dockerfile"}
        assert (PLATFORM / service["build"]["context"] / service["build"]["dockerfile"]).exists()
        assert "volumes" not in service  # no disk shared between web, workers and beat


def test_compose_publishes_the_web_on_loopback_only():
    assert COMPOSE["services"]["web"]["ports"] == ["127.0.0.1:8000:8000"]
    # The read pool runs beside the web (the same profile), where nginx's read upstream expects it.
    read = COMPOSE["services"]["web-read"]
    assert read["ports"] == [f"{read_upstream_default()}:8000"]
    assert (read["profiles"], read["environment"]["PODIUM_WEB_POOL"]) == (["web"], "read")
    assert "PODIUM_WEB_POOL" not in COMPOSE["services"]["web"]["environment"]


def test_each_process_is_a_profile_of_its_own_so_a_host_runs_only_its_part():
    profiles = {name: service["profiles"] for name, service in COMPOSE["services"].items()}

    assert {name: profiles[name] for name in PROCESSES} == {name: [name] for name in PROCESSES}


DOCKERFILE = (PLATFORM / "Dockerfile").read_text()


def dockerfile_env() -> dict[str, str]:
    block = re.search(r"^ENV (.*?)(?<!\\)\n", DOCKERFILE, re.MULTILINE | re.DOTALL)
    assert block is not None
    return dict(pair.split("=", 1) for pair in shlex.split(block[1].replace("\\\n", " ")))


def test_the_image_installs_requirements_txt_and_runs_the_procfiles_web_by_default():
    cmd = re.search(r"^CMD (\[.*\])$", DOCKERFILE, re.MULTILINE)
    assert cmd is not None

    assert "COPY requirements.txt ./" in DOCKERFILE
    assert re.search(r"^RUN pip install --no-cache-dir -r requirements\.txt$", DOCKERFILE, re.MULTILINE)
    assert runs(json.loads(cmd[1]), dockerfile_env()) == "web"
    assert re.search(r"^USER 10001:10001$", DOCKERFILE, re.MULTILINE)  # numeric: runAsNonRoot can check it


def test_the_image_bakes_in_no_secret_and_no_local_state():
    ignored = (PLATFORM / "Dockerfile.dockerignore").read_text().split()

    assert "DJANGO_SECRET_KEY" not in dockerfile_env()
    assert {".venv", "var", ".git", "*.env"} <= set(ignored)


# --- Kubernetes -------------------------------------------------------------------------------------------
def manifests() -> list[dict]:
    return [
        doc
        for path in sorted(KUBERNETES.glob("*.yaml"))
        for doc in yaml.safe_load_all(path.read_text())
        if doc
    ]


def by_kind(kind: str) -> dict[str, dict]:
    return {doc["metadata"]["name"]: doc for doc in manifests() if doc["kind"] == kind}


def pod_environment(pod: dict, container: dict) -> dict[str, str]:
    env = {}
    for source in container.get("envFrom", []):
        if "configMapRef" in source:
            env.update(by_kind("ConfigMap")[source["configMapRef"]["name"]]["data"])
        else:
            env.update(by_kind("Secret")[source["secretRef"]["name"]]["stringData"])
    env.update({item["name"]: item["value"] for item in container.get("env", [])})
    return env


def workloads() -> dict[str, tuple[dict, dict]]:
    """component label -> (pod spec, its one container), for every Deployment and Job."""
    found = {}
    for kind in ("Deployment", "Job"):
        for doc in by_kind(kind).values():
            pod = doc["spec"]["template"]["spec"]
            (container,) = pod["containers"]
            found[doc["metadata"]["labels"]["app.kubernetes.io/component"]] = (pod, container)
    return found


def test_kubernetes_runs_the_procfiles_processes():
    ran = {
        name: runs(container["command"], pod_environment(pod, container))
        for name, (pod, container) in workloads().items()
    }

    assert ran == {
        "web": "web",
        "web-read": "web",
        "worker": "worker",
        "beat": "beat",
        "migrate": "manage.py migrate --noinput",
    }


def test_the_kubernetes_read_pool_names_itself_and_has_a_service():
    pools = {
        name: pod_environment(pod, container).get("PODIUM_WEB_POOL")
        for name, (pod, container) in workloads().items()
    }

    assert (pools["web-read"], pools["web"]) == ("read", None)
    services = by_kind("Service")
    assert services["podium-web-read"]["spec"]["selector"]["app.kubernetes.io/component"] == "web-read"


def test_every_pod_runs_as_a_numeric_non_root_user_with_a_var_folder_of_its_own():
    for name, (pod, container) in workloads().items():
        assert pod["securityContext"]["runAsNonRoot"] is True, name
        volumes = {volume["name"]: volume for volume in pod.get("volumes", [])}
        for mount in container.get("volumeMounts", []):
            assert "emptyDir" in volumes[mount["name"]], name


def test_a_worker_pod_asks_for_a_core_per_scoring_process():
    pod, container = workloads()["worker"]
    concurrency = container["command"][container["command"].index("--concurrency") + 1]

    assert container["resources"]["requests"]["cpu"] == concurrency
    assert pod["terminationGracePeriodSeconds"] > 360  # PODIUM_SCORING_HARD_LIMIT's default


def test_there_is_only_ever_one_beat():
    beat = by_kind("Deployment")["podium-beat"]["spec"]

    assert beat["replicas"] == 1
    assert beat["strategy"] == {"type": "Recreate"}


def test_kubectl_builds_the_kustomization():
    kubectl = shutil.which("kubectl")
    if kubectl is None:
        missing("kubectl is not installed")
    built = subprocess.run(
        [kubectl, "kustomize", str(KUBERNETES)], capture_output=True, text=True, timeout=120, check=False
    )

    assert built.returncode == 0, built.stderr
    kinds = sorted(doc["kind"] for doc in yaml.safe_load_all(built.stdout))
    assert kinds == [
        "ConfigMap",
        "Deployment",
        "Deployment",
        "Deployment",
        "Deployment",
        "Namespace",
        "Secret",
        "Service",
        "Service",
    ]


# --- Every file -------------------------------------------------------------------------------------------
def variables_set() -> dict[str, set[str]]:
    found = {"podium.env.example": set(ENV_EXAMPLE), "Dockerfile": set(dockerfile_env())}
    for path in SERVICES:
        found[path.name] = set(unit_environment(unit(path)["Service"])) - set(ENV_EXAMPLE)
    for name, service in COMPOSE["services"].items():
        if service.get("image") == "podium:latest":
            found[f"compose.yaml {name}"] = set(service.get("environment", {}))
    for name, (pod, container) in workloads().items():
        found[f"kubernetes {name}"] = set(pod_environment(pod, container))
    return found


def test_every_variable_the_files_set_is_one_podium_reads():
    unknown = {where: sorted(names - KNOWN) for where, names in variables_set().items() if names - KNOWN}

    assert unknown == {}


def test_the_kubernetes_config_sets_what_the_example_environment_sets():
    pod, container = workloads()["web"]

    assert set(pod_environment(pod, container)) - {"PODIUM_BIND", "PORT"} == set(ENV_EXAMPLE) - {
        "PODIUM_S3_ENDPOINT_URL"  # AWS itself needs none
    }


def test_the_settings_parser_finds_the_settings():
    """The check above is only as good as this list."""
    assert {
        "DATABASE_URL",
        "CELERY_BROKER_URL",
        "PODIUM_S3_BUCKET",
        "PODIUM_S3_REGION",
        "PODIUM_VAR_DIR",
    } <= KNOWN
    assert "PODIUM_NOT_A_SETTING" not in KNOWN


def test_every_variable_the_files_set_is_documented():
    documented = (ROOT / "docs" / "configuration.md").read_text()
    names = set().union(*variables_set().values()) - {"PYTHONUNBUFFERED"}

    assert sorted(name for name in names if f"`{name}`" not in documented) == []
