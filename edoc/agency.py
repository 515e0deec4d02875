"""Agency identifiers (mã định danh) in their two written forms, and a directory of agencies.

QCVN 102:2016 writes an agency id as 13 characters ``VVV.ZZ.YY.Lnn``, read right to left:
``Lnn`` is level 1 (a group letter and two digits), ``YY`` level 2, ``ZZ`` level 3 and ``VVV``
level 4, with unused levels zero (``000.00.00.G22`` is Văn phòng Chính phủ, ``000.00.18.G12`` a
level-2 unit under Bộ Tài chính). Decision 20/2020/QĐ-TTg writes the same code level 1 first
and without the unused levels (``G12.18``), up to 35 characters of ``A-Z 0-9 .``; its levels may
be longer than QCVN 102's fixed widths, and such a code has no QCVN 102 form.
"""

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from edoc.bilingual import Text
from edoc.errors import EdocError

#: Level-1 groups: what the letter of ``Lnn`` says about the agency.
LEVEL1_GROUPS: dict[str, Text] = {
    "A": Text("Cơ quan của Đảng", "Party bodies"),
    "B": Text("Văn phòng Chủ tịch nước", "Office of the President"),
    "C": Text("Quốc hội", "National Assembly"),
    "D": Text("Tòa án nhân dân tối cao", "Supreme People's Court"),
    "E": Text("Viện kiểm sát nhân dân tối cao", "Supreme People's Procuracy"),
    "F": Text("Kiểm toán nhà nước", "State Audit"),
    "G": Text("Bộ, cơ quan ngang bộ, cơ quan thuộc Chính phủ", "Ministries and government bodies"),
    "H": Text("Ủy ban nhân dân cấp tỉnh", "Provincial People's Committees"),
    "I": Text("Tổ chức chính trị - xã hội trung ương", "Central socio-political organisations"),
    "J": Text("Tổ chức xã hội trung ương", "Central social organisations"),
    "K": Text("Hội đồng nhân dân cấp tỉnh", "Provincial People's Councils"),
}

_QCVN = re.compile(r"^(\d{3})\.(\d{2})\.(\d{2})\.([A-Z])(\d{2})$")
_DECISION20 = re.compile(r"^([A-Z])(\d{2})((?:\.\d+){0,3})$")


class AgencyIdError(EdocError):
    """A string that is not an agency id in either form."""


@dataclass(frozen=True, order=True)
class AgencyId:
    """An agency id, held as its levels: level 1 first, then the non-zero lower levels."""

    group: str
    level1: str
    lower: tuple[str, ...] = ()

    @classmethod
    def parse(cls, text: str) -> "AgencyId":
        """Read either form; AgencyIdError when ``text`` is neither."""
        value = text.strip().upper()
        match = _QCVN.match(value)
        if match:
            level4, level3, level2, group, number = match.groups()
            levels = [level2, level3, level4]
            while levels and not int(levels[-1]):
                levels.pop()
            if any(not int(level) for level in levels):
                raise _invalid(
                    text,
                    "có cấp được dùng nằm dưới một cấp bằng 0",
                    "a level is used below an unused (zero) level",
                )
            return cls(group, number, tuple(levels))
        match = _DECISION20.match(value)
        if match and len(value) <= 35:
            group, number, rest = match.groups()
            return cls(group, number, tuple(part for part in rest.split(".") if part))
        raise _invalid(
            text,
            "không đúng dạng VVV.ZZ.YY.Lnn (QCVN 102) hay Lnn.YY... (Quyết định 20/2020)",
            "not of the form VVV.ZZ.YY.Lnn (QCVN 102) nor Lnn.YY... (Decision 20/2020)",
        )

    @property
    def decision20(self) -> str:
        """The Decision 20/2020 form, level 1 first: ``G12.18``."""
        return ".".join((f"{self.group}{self.level1}", *self.lower))

    @property
    def qcvn102(self) -> str | None:
        """The 13-character QCVN 102 form, or None when a level is too long for it."""
        widths = (2, 2, 3)
        too_long = any(len(p) > w for p, w in zip(self.lower, widths, strict=False))
        if len(self.lower) > 3 or too_long:
            return None
        padded = [part.zfill(w) for part, w in zip(self.lower, widths, strict=False)]
        padded += ["0" * w for w in widths[len(padded) :]]
        level2, level3, level4 = padded
        return f"{level4}.{level3}.{level2}.{self.group}{self.level1}"

    @property
    def level(self) -> int:
        """1 for a level-1 agency (a ministry, a province), more for the units under it."""
        return 1 + len(self.lower)

    @property
    def group_name(self) -> Text:
        """What the level-1 group letter stands for, in Vietnamese and in English."""
        return LEVEL1_GROUPS.get(self.group, Text("Nhóm không xác định", "Unknown group"))

    def is_within(self, other: "AgencyId") -> bool:
        """Whether this agency is ``other`` or one of the units under it."""
        same_root = (self.group, self.level1) == (other.group, other.level1)
        return same_root and self.lower[: len(other.lower)] == other.lower

    @property
    def level1_id(self) -> "AgencyId":
        """The level-1 agency this one belongs to."""
        return AgencyId(self.group, self.level1)

    def __str__(self) -> str:
        return self.qcvn102 or self.decision20


def _invalid(text: str, why_vi: str, why_en: str) -> AgencyIdError:
    return AgencyIdError(
        f"Mã định danh «{text}» không hợp lệ: {why_vi}.",
        f"Agency id '{text}' is not valid: {why_en}.",
    )


@dataclass(frozen=True)
class Agency:
    """An entry of the agency directory."""

    id: AgencyId
    name: str

    @property
    def organ_id(self) -> str:
        return str(self.id)


_KNOWN = {
    "G22": "Văn phòng Chính phủ",
    "G12": "Bộ Tài chính",
    "G09": "Bộ Nội vụ",
    "G01": "Bộ Công an",
    "H17": "Ủy ban nhân dân thành phố Đà Nẵng",
    "H26": "Ủy ban nhân dân thành phố Hà Nội",
    "H29": "Ủy ban nhân dân Thành phố Hồ Chí Minh",
    "H41": "Ủy ban nhân dân tỉnh Nghệ An",
    "H49": "Ủy ban nhân dân tỉnh Quảng Ninh",
    "H56": "Ủy ban nhân dân tỉnh Thanh Hóa",
}


class AgencyDirectory:
    """Known agencies by id: a small built-in list, extendable from CSV files."""

    def __init__(self, agencies: Iterable[Agency] = ()) -> None:
        self._by_id: dict[AgencyId, Agency] = {}
        for agency in agencies:
            self.add(agency)

    @classmethod
    def builtin(cls) -> "AgencyDirectory":
        return cls(Agency(AgencyId.parse(code), name) for code, name in _KNOWN.items())

    def add(self, agency: Agency) -> None:
        self._by_id[agency.id] = agency

    def load_csv(self, path: Path) -> int:
        """Add the agencies of a CSV file with columns ``id`` (either form) and ``name``.

        Returns how many were read; a bad row is an AgencyIdError naming the file and line.
        """
        try:
            with path.open(newline="", encoding="utf-8-sig") as f:
                rows = list(csv.DictReader(f))
        except OSError as error:
            raise EdocError(
                f"Không đọc được tệp danh bạ: {error.strerror}.",
                f"Cannot read the directory file: {error.strerror}.",
                path=path,
            ) from error
        for line, row in enumerate(rows, start=2):
            try:
                agency_id = AgencyId.parse(row.get("id") or "")
                agency = Agency(agency_id, (row.get("name") or "").strip())
            except AgencyIdError as error:
                raise AgencyIdError(
                    f"dòng {line}: {error.message_vi}",
                    f"line {line}: {error.message_en}",
                    path=path,
                ) from error
            self.add(agency)
        return len(rows)

    def all(self) -> list[Agency]:
        """Every known agency, by id."""
        return sorted(self._by_id.values(), key=lambda agency: str(agency.id))

    def get(self, agency_id: AgencyId | str) -> Agency | None:
        key = agency_id if isinstance(agency_id, AgencyId) else AgencyId.parse(agency_id)
        return self._by_id.get(key)
