"""Which council a CLD extract's LA_Code names (CASSR code first, DfE LA number second, an
ambiguous number refused with its line) and the region and England sums of the 2A outcome
table, through both engines and the CLI."""

from __future__ import annotations

import pandas as pd
import pytest
from click.testing import CliRunner

from ascbench.cld import codes
from ascbench.cld.areas import read_la_codes
from ascbench.cli import cli
from ascbench.errors import AscbenchError
from ascbench.identifiers import dfe_table
from tests.test_cld_engines import write_rows

ENGINES = ["duckdb", "pandas"]


def _stmax(la: str, nhs: str, start: str = "2025-06-01", end: str = "2025-06-10", outcome: str = "NFA: Other"):
    return {
        "LA_Code": la,
        "NHS_Number": nhs,
        "Date_of_Birth": "1950-01-15",
        "Client_Type": "Service user",
        "Event_Type": "Service",
        "Event_Start_Date": start,
        "Event_End_Date": end,
        "Event_Outcome": outcome,
        "Service_Type": codes.STMAX,
        "Service_Component": "Reablement",
    }


def _run(*args):
    return CliRunner().invoke(cli, ["cld", *map(str, args), "--period", "2025-26"])


def test_the_shipped_dfe_table_holds_dfes_numbers():
    t = dfe_table().set_index(["old_la_code", "gss"])
    assert t.loc[("855", "E10000018"), "name"] == "Leicestershire"
    assert t.loc[("925", "E10000019"), "name"] == "Lincolnshire"
    assert t.loc[("815", "E06000065"), "status"] == "live"  # North Yorkshire's unitary code since April 2023
    assert t.loc[("815", "E10000023"), "status"] == "terminated"


@pytest.mark.parametrize("engine", ENGINES)
def test_a_dfe_la_number_is_read_as_its_council_and_said_so(tmp_path, engine):
    path = write_rows(tmp_path / "leics.csv", [_stmax("855", "1111111111"), _stmax("855.0", "2222222222")])
    out = _run(path, "--engine", engine)
    assert out.exit_code == 0, out.stderr
    obs = pd.read_csv(pd.io.common.StringIO(out.stdout))
    assert set(obs["area_code"]) == {"E10000018"}
    assert obs.set_index("measure").loc["ascof_2a.num", "value"] == 2
    assert "LA_Code 855 read as Leicestershire (E10000018): its DfE LA number" in out.stderr


@pytest.mark.parametrize("engine", ENGINES)
def test_a_number_in_both_systems_is_refused_with_its_line(tmp_path, engine):
    """815 is East Sussex's CASSR code and North Yorkshire's DfE number: never guessed."""
    rows = [_stmax("503", "1111111111"), _stmax("815", "2222222222")]
    path = write_rows(tmp_path / "x.csv", rows)
    out = CliRunner().invoke(
        cli, ["cld", str(path), "--period", "2025-26", "--engine", engine, "--out", str(tmp_path / "o")]
    )
    assert out.exit_code == 1 and not (tmp_path / "o").exists()
    assert (
        f"error: {path}:3: LA_Code: 815 is the CASSR code of East Sussex (E10000011) and the DfE LA number of "
        "North Yorkshire (E06000065)" in out.stderr
    )
    assert "--area 815=GSS_CODE" in out.stderr and "Traceback" not in out.output
    named = _run(path, "--engine", engine, "--area", "815=E06000065")
    assert named.exit_code == 0, named.stderr
    obs = pd.read_csv(pd.io.common.StringIO(named.stdout))
    assert {"E10000019", "E06000065", "E12000003", "E12000004", "E92000001"} == set(obs["area_code"])
    assert "LA_Code 815 read as North Yorkshire (E06000065), as --area gives it" in named.stderr
    assert "LA_Code 503 read as Lincolnshire (E10000019): its CASSR code" in named.stderr
    for system, council in (("cassr", "East Sussex (E10000011)"), ("dfe", "North Yorkshire (E06000065)")):
        told = _run(path, "--engine", engine, "--la-codes", system)
        assert told.exit_code == 0, told.stderr
        assert f"LA_Code 815 read as {council}" in told.stderr
    assert "LA_Code 503 is not a DfE LA number of a council" in told.stderr  # 503 is only a CASSR code


@pytest.mark.parametrize("engine", ENGINES)
def test_one_council_named_by_area(tmp_path, engine):
    path = write_rows(tmp_path / "x.csv", [_stmax("815", "1111111111")])
    out = CliRunner().invoke(
        cli,
        ["cld", str(path), "--period", "2025-26", "--engine", engine, "--area", "E10000011", "--out", tmp_path / "o"],
    )
    assert out.exit_code == 0, out.stderr
    areas = pd.read_csv(tmp_path / "o" / "areas.csv", comment="#")
    assert areas.to_dict("records") == [
        {"area_code": "E10000011", "area_name": "East Sussex", "area_type": "county", "region": "South East"}
    ]
    two = write_rows(tmp_path / "y.csv", [_stmax("503", "2222222222")])
    refused = _run(path, two, "--engine", engine, "--area", "E10000011")
    assert refused.exit_code == 1 and "the extracts hold 2 councils (503, 815); --area E10000011 names one" in (
        refused.stderr
    )


def test_codes_no_table_holds_and_numbers_of_abolished_councils_keep_their_spelling():
    """875 was Cheshire's DfE number until 2009 (no council today): not read, as 999 is not."""
    reading = read_la_codes(["875", "999", "H6X4G"])
    areas = reading.areas.set_index("LA_Code")
    assert areas.loc["875", "area_code"] == "875" and not areas.loc["875", "found"]
    assert areas.loc["H6X4G", "area_name"] == "Cumberland"  # a letter-digit CASSR code
    assert len(reading.warnings) == 2 and "LA_Code 999 is neither a CASSR code" in reading.warnings[1]
    with pytest.raises(AscbenchError, match="no row of the extracts holds"):
        read_la_codes(["503"], ["508=E10000018"])


@pytest.mark.parametrize("engine", ENGINES)
def test_the_2a_outcome_table_has_region_and_england_sums(tmp_path, engine):
    """Lincolnshire (503) and Leicestershire (855, DfE) in the East Midlands, East Riding (214) in
    Yorkshire and the Humber: each line of the sums adds up its councils' clusters."""
    rows = [
        _stmax("503", "1111111111"),
        _stmax("503", "1111111112", outcome="Admitted to hospital"),
        _stmax("855", "2222222221"),
        _stmax("214", "3333333331"),
        _stmax("214", "3333333332", outcome="Admitted to hospital"),
    ]
    path = write_rows(tmp_path / "x.csv", rows)
    out = CliRunner().invoke(
        cli, ["cld", str(path), "--period", "2025-26", "--engine", engine, "--out", str(tmp_path / "o")]
    )
    assert out.exit_code == 0, out.stderr
    t = pd.read_csv(tmp_path / "o" / "cld-2a-outcomes.csv", keep_default_na=False)
    key = ["rule", "final_outcome", "counts_in"]
    councils = t[t["note"] == ""]
    assert set(councils["area_code"]) == {"E10000019", "E10000018", "E06000011"}
    for code, members in (("E92000001", councils), ("E12000004", councils[councils["area_code"] != "E06000011"])):
        mine = t[t["area_code"] == code].set_index(key)["clusters"].sort_index()
        expected = members.groupby(key)["clusters"].sum().sort_index()
        assert mine.to_dict() == expected.to_dict()
    england = t[t["area_code"] == "E92000001"].set_index(key)["clusters"]
    assert england[("2 admitted to hospital", "Admitted to hospital", "neither")] == 2
    assert england.sum() == 5
    assert "sum of 3 councils' CLD extracts in this run (England)" in set(t["note"])
    assert "sum of 1 council's CLD extracts in this run (Yorkshire and The Humber)" in set(t["note"])


@pytest.mark.parametrize("engine", ENGINES)
def test_each_councils_rows_name_its_own_extracts(tmp_path, engine):
    """Three councils in two files (Lincolnshire in both): a council's observations name the
    files its rows came from, never the other councils' files; the sums say what they add up;
    a council none of whose files covers a whole quarter has no data, with a warning."""
    first = write_rows(tmp_path / "a.csv", [_stmax("503", "1111111111"), _stmax("214", "3333333331")])
    second = write_rows(tmp_path / "b.csv", [_stmax("503", "1111111112"), _stmax("855", "2222222221")])
    out = CliRunner().invoke(
        cli, ["cld", str(first), str(second), "--period", "2025-26", "--engine", engine, "--out", str(tmp_path / "o")]
    )
    assert out.exit_code == 0, out.stderr
    obs = pd.read_csv(tmp_path / "o" / "observations-cld.csv", comment="#", keep_default_na=False)
    source = obs.drop_duplicates("area_code").set_index("area_code")["source"]
    assert source["E06000011"] == f"ascbench cld from {first}"  # East Riding: a.csv only
    assert source["E10000018"] == f"ascbench cld from {second}"  # Leicestershire: b.csv only
    assert source["E10000019"] == f"ascbench cld from {first}, {second}"  # Lincolnshire: both
    assert source["E12000003"] == "ascbench cld: the sum of its councils' counts (2 extracts)"
    # England and the East Midlands would sum a council with no data: not written (areas.py)
    assert not {"E92000001", "E12000004"} & set(obs["area_code"])
    assert obs.groupby("area_code")["source"].nunique().max() == 1
    # Lincolnshire's two files each cover June only: DHSC's rule takes quarters from files that
    # cover them whole, so nothing is counted - no data, not zero people, and said so
    lincs = obs[(obs["area_code"] == "E10000019") & obs["measure"].str.startswith("ascof_2a")]
    assert len(lincs) and lincs["value"].eq("").all() and lincs["status"].eq("not available").all()
    assert "E10000019 (LA_Code 503): no file covers a whole quarter of the period" in out.stderr
    east_riding = obs[(obs["area_code"] == "E06000011") & (obs["measure"] == "ascof_2a.den")]
    assert east_riding["value"].tolist() == ["1"]
