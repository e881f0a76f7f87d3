import hashlib
import zipfile

from testapp_autoupdate.package import build, main


def test_the_package_is_the_same_bytes_for_the_same_sources(tmp_path):
    first = build(tmp_path / "a" / "lambda.zip").read_bytes()
    second = build(tmp_path / "b" / "lambda.zip").read_bytes()
    assert hashlib.sha256(first).hexdigest() == hashlib.sha256(second).hexdigest()


def test_the_package_holds_the_handler_module_at_its_import_path(tmp_path):
    with zipfile.ZipFile(build(tmp_path / "lambda.zip")) as archive:
        names = archive.namelist()
    assert "testapp_autoupdate/handler.py" in names
    assert "testapp_autoupdate/runner.py" in names
    assert names == sorted(names)
    assert not any("__pycache__" in n or n.startswith("tests/") for n in names)


def test_usage_without_an_output_path_exits_2(capsys):
    assert main([]) == 2
    assert "usage" in capsys.readouterr().err
