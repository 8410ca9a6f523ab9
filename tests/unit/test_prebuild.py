"""deploy/prebuild.py: the checks that keep test tools and packages built for the wrong
Linux out of the Lambda package."""

import pytest

from deploy.prebuild import (
    PrebuildError,
    check_virtualenv,
    distributions_not_for_lambda,
    runtime_closure,
    tag_runs_on_lambda,
    unneeded_distributions,
)

PURE = "py3-none-any"


def install(site, name, version="1.0", requires=(), tags=(PURE,)):
    info = site / f"{name.replace('-', '_')}-{version}.dist-info"
    info.mkdir(parents=True)
    metadata = ["Metadata-Version: 2.1", f"Name: {name}", f"Version: {version}"]
    metadata += [f"Requires-Dist: {r}" for r in requires]
    (info / "METADATA").write_text("\n".join(metadata) + "\n")
    (info / "WHEEL").write_text("Wheel-Version: 1.0\n" + "".join(f"Tag: {t}\n" for t in tags))


@pytest.fixture
def site(tmp_path):
    site = tmp_path / "venv" / "lib" / "python3.11" / "site-packages"
    install(site, "Django", "5.2", requires=["asgiref>=3.8", 'tzdata; sys_platform == "win32"'])
    install(site, "asgiref", "3.8")
    install(site, "django-storages", "1.14", requires=['boto3>=1.4; extra == "s3"'])
    install(site, "boto3", "1.40")
    install(site, "pip", "25.0")
    return site


@pytest.fixture
def requirements(tmp_path):
    path = tmp_path / "requirements.txt"
    path.write_text("# runtime\nDjango==5.2\ndjango-storages[s3]==1.14  # covers\n")
    return path


def test_closure_follows_dependencies_and_extras_but_not_other_platforms(site, requirements):
    assert runtime_closure(site, requirements) == {"django", "asgiref", "django-storages", "boto3"}


def test_virtualenv_with_only_the_requirements_has_nothing_unneeded(site, requirements):
    assert unneeded_distributions(site, requirements) == []


def test_test_tools_in_the_virtualenv_are_found(site, requirements):
    install(site, "moto", "5.0", requires=["responses"])
    install(site, "responses", "0.25")
    install(site, "pytest", "9.0")
    assert unneeded_distributions(site, requirements) == ["moto", "pytest", "responses"]


@pytest.mark.parametrize(
    "tag, runs",
    [
        (PURE, True),
        ("cp311-cp311-manylinux_2_17_x86_64", True),
        ("cp311-cp311-manylinux2014_x86_64", True),
        ("cp311-cp311-manylinux_2_26_x86_64", True),
        ("cp38-abi3-manylinux_2_17_x86_64", True),
        ("cp311-cp311-manylinux_2_28_x86_64", False),
        ("cp311-cp311-manylinux_2_27_x86_64", False),
        ("cp311-cp311-manylinux_2_17_aarch64", False),
        ("cp312-cp312-manylinux_2_17_x86_64", False),
        ("cp311-cp311-linux_x86_64", False),
        ("cp311-cp311-macosx_11_0_arm64", False),
    ],
)
def test_wheel_tag_runs_on_lambda_python_3_11(tag, runs):
    assert tag_runs_on_lambda(tag) is runs


def test_package_built_only_for_a_newer_glibc_is_refused(site):
    install(
        site,
        "pillow",
        "13.0.0",
        tags=["cp311-cp311-manylinux_2_27_x86_64", "cp311-cp311-manylinux_2_28_x86_64"],
    )
    install(
        site,
        "markupsafe",
        "3.0",
        tags=["cp311-cp311-manylinux_2_17_x86_64", "cp311-cp311-manylinux_2_28_x86_64"],
    )
    assert [entry.split(" ")[0] for entry in distributions_not_for_lambda(site)] == ["pillow"]


def test_prebuild_refuses_a_virtualenv_with_test_tools(site):
    install(site, "pytest", "9.0")
    with pytest.raises(PrebuildError, match="pytest"):
        check_virtualenv(site.parents[2])


def test_shipped_code_imports_nothing_that_is_left_out_of_the_package():
    """Benchmarks, tests and deploy tools (their request counter among them) stay out of
    Lambda: the packages that ship must not import them."""
    import ast

    from deploy.prebuild import NOT_SHIPPED, ROOT

    shipped = [
        path
        for package in ROOT.iterdir()
        if (package / "__init__.py").exists() and package.name not in NOT_SHIPPED
        for path in package.rglob("*.py")
    ]
    assert {path.relative_to(ROOT).parts[0] for path in shipped} >= {"cloudshelf", "accounts"}
    wrong = []
    for path in shipped:
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module]
            else:
                continue
            wrong += [(str(path), name) for name in names if name.split(".")[0] in NOT_SHIPPED]
    assert wrong == []
