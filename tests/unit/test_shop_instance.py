"""tasks.py gives each shop its own Dagster instance folder, so shops never share an asset history."""

import tasks


def test_the_demo_keeps_dagster_home():
    assert tasks.instance_home({}) == (tasks.DEMO_INSTANCE, "the demo shop")


def test_an_explicit_dagster_home_wins():
    home, reason = tasks.instance_home({"DAGSTER_HOME": "/srv/dagster", "PULSE_RAW_PATH": "/data/shop"})
    assert (str(home), reason) == ("/srv/dagster", "DAGSTER_HOME")


def test_each_raw_path_gets_its_own_stable_folder():
    first, reason = tasks.instance_home({"PULSE_RAW_PATH": "/data/My Shop"})
    again, _ = tasks.instance_home({"PULSE_RAW_PATH": "/data/My Shop/"})
    other, _ = tasks.instance_home({"PULSE_RAW_PATH": "/backup/My Shop"})
    s3, _ = tasks.instance_home({"PULSE_RAW_PATH": "s3://bucket/shops/acme"})
    assert first.parent == tasks.SHOP_INSTANCES and first.name.startswith("my-shop-")
    assert first == again and first != other
    assert s3.name.startswith("acme-") and reason == "the shop at /data/My Shop"


def test_pulse_env_prepares_the_shops_instance(tmp_path, monkeypatch):
    monkeypatch.setattr(tasks, "SHOP_INSTANCES", tmp_path / "instances")
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    monkeypatch.setenv("PULSE_RAW_PATH", str(tmp_path / "shop"))
    home = tasks.pulse_env()["DAGSTER_HOME"]
    assert home.startswith(str(tmp_path / "instances" / "shop-"))
    shipped = (tasks.DEMO_INSTANCE / "dagster.yaml").read_text()
    assert (tmp_path / "instances").joinpath(home, "dagster.yaml").read_text() == shipped


def test_a_dagster_home_named_but_not_made_is_made_and_an_existing_one_is_left_alone(tmp_path, monkeypatch):
    shipped = (tasks.DEMO_INSTANCE / "dagster.yaml").read_text()
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "new" / "home"))
    assert tasks.pulse_env()["DAGSTER_HOME"] == str(tmp_path / "new" / "home")
    assert (tmp_path / "new" / "home" / "dagster.yaml").read_text() == shipped
    own = tmp_path / "own"
    own.mkdir()
    (own / "dagster.yaml").write_text("run_queue:\n  max_concurrent_runs: 3\n")
    monkeypatch.setenv("DAGSTER_HOME", str(own))
    tasks.pulse_env()
    assert (own / "dagster.yaml").read_text() == "run_queue:\n  max_concurrent_runs: 3\n"


def test_a_shops_warehouse_and_publish_folder_sit_beside_its_instance_unless_set(tmp_path, monkeypatch):
    monkeypatch.setattr(tasks, "SHOP_INSTANCES", tmp_path / "instances")
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    monkeypatch.delenv("PULSE_DUCKDB_PATH", raising=False)
    monkeypatch.setenv("PULSE_RAW_PATH", str(tmp_path / "shop"))
    monkeypatch.setenv("PULSE_PUBLISH_URI", "s3://bucket/acme")
    env = tasks.pulse_env()
    assert env["PULSE_DUCKDB_PATH"] == str(tmp_path / "instances" / env["DAGSTER_HOME"] / "warehouse.duckdb")
    assert env["PULSE_PUBLISH_URI"] == "s3://bucket/acme"  # what the user set wins
    assert tasks.shop_state({}) == {}  # the demo keeps the settings' defaults
