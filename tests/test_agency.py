"""Agency ids in both written forms, their groups, and the agency directory."""

import pytest

from edoc.agency import AgencyDirectory, AgencyId, AgencyIdError
from edoc.bilingual import Text


@pytest.mark.parametrize(
    ("qcvn", "decision20", "level"),
    [
        ("000.00.00.G22", "G22", 1),
        ("000.00.18.G12", "G12.18", 2),
        ("000.05.18.G12", "G12.18.05", 3),
        ("001.05.18.G12", "G12.18.05.001", 4),
        ("000.00.20.G09", "G09.20", 2),
    ],
)
def test_both_forms_convert_into_each_other(qcvn, decision20, level):
    assert AgencyId.parse(qcvn).decision20 == decision20
    assert AgencyId.parse(decision20).qcvn102 == qcvn
    assert AgencyId.parse(qcvn) == AgencyId.parse(decision20)
    assert AgencyId.parse(qcvn).level == level


def test_a_decision20_code_too_long_for_qcvn102_has_no_qcvn_form():
    agency = AgencyId.parse("H01.151")
    assert agency.qcvn102 is None
    assert str(agency) == "H01.151"


def test_level1_group_is_named():
    assert AgencyId.parse("000.00.00.H41").group_name == Text(
        "Ủy ban nhân dân cấp tỉnh",
        "Provincial People's Committees",
    )
    assert AgencyId.parse("000.00.18.G12").level1_id == AgencyId.parse("G12")


@pytest.mark.parametrize(
    "text", ["28.22.H17", "000.00.00.g2", "", "G22.", "001.00.18.G12", "X" * 40]
)
def test_malformed_ids_are_refused_with_both_languages(text):
    with pytest.raises(AgencyIdError) as error:
        AgencyId.parse(text)
    assert text in error.value.message_en
    assert "không hợp lệ" in error.value.message_vi


def test_builtin_directory_knows_the_agencies_of_the_standard():
    directory = AgencyDirectory.builtin()
    assert directory.get("000.00.00.G22").name == "Văn phòng Chính phủ"
    assert directory.get("H26").name == "Ủy ban nhân dân thành phố Hà Nội"
    assert directory.get("000.00.00.H99") is None


def test_directory_extends_from_csv(tmp_path):
    csv_file = tmp_path / "agencies.csv"
    csv_file.write_text(
        "id,name\nG12.18,Tổng cục Thuế\n000.00.00.H49,Quảng Ninh mới\n", "utf-8-sig"
    )
    directory = AgencyDirectory.builtin()
    assert directory.load_csv(csv_file) == 2
    assert directory.get("000.00.18.G12").name == "Tổng cục Thuế"
    assert directory.get("H49").name == "Quảng Ninh mới"


def test_a_bad_csv_row_names_the_file_and_line(tmp_path):
    csv_file = tmp_path / "agencies.csv"
    csv_file.write_text("id,name\nG12.18,Tổng cục Thuế\n28.22.H17,Sai\n", "utf-8")
    with pytest.raises(AgencyIdError) as error:
        AgencyDirectory().load_csv(csv_file)
    assert str(csv_file) in error.value.message("en")
    assert "line 3" in error.value.message("en")
