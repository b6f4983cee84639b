from hypothesis import given
from hypothesis import strategies as st

from models.enterprises import rules as uscc

body17 = st.text(alphabet=uscc.ALPHABET, min_size=17, max_size=17)


def test_published_codes_are_valid() -> None:
    # Codes printed on real business licences.
    assert uscc.is_valid("91350100M000100Y43")
    assert uscc.is_valid("91110000600037341L")


@given(body17)
def test_check_character_completes_any_body(first17: str) -> None:
    assert uscc.is_valid(first17 + uscc.check_char(first17))


@given(body17, st.integers(min_value=0, max_value=17), st.sampled_from(uscc.ALPHABET))
def test_any_single_character_error_is_caught(first17: str, pos: int, replacement: str) -> None:
    code = first17 + uscc.check_char(first17)
    wrong = code[:pos] + replacement + code[pos + 1:]
    assert uscc.is_valid(wrong) == (wrong == code)


@given(body17, st.integers(min_value=0, max_value=16))
def test_swapping_neighbours_is_caught(first17: str, pos: int) -> None:
    code = first17 + uscc.check_char(first17)
    swapped = code[:pos] + code[pos + 1] + code[pos] + code[pos + 2:]
    assert uscc.is_valid(swapped) == (swapped == code)


@given(st.text(max_size=30))
def test_problem_never_raises_and_names_the_fault_in_chinese(text: str) -> None:
    problem = uscc.problem(text)
    assert problem is None or any("\u4e00" <= ch <= "\u9fff" for ch in problem)


def test_messages_for_typical_mistakes() -> None:
    assert uscc.problem("") == "不能为空"
    assert "18 位" in (uscc.problem("91350100M000100Y4") or "")
    assert "不允许的字符" in (uscc.problem("91350100M000100YO3") or "")
    assert "校验位" in (uscc.problem("91350100M000100Y44") or "")


def test_normalize_accepts_pasted_full_width_and_spaces() -> None:
    assert uscc.normalize("９１３５ 0100m000100y43\u3000") == "91350100M000100Y43"


def test_make_builds_a_valid_code_with_a_valid_organisation_code() -> None:
    code = uscc.make("9", "1", "369902", "MA1X2Y3K")
    assert uscc.is_valid(code)
    assert code[8:16] == "MA1X2Y3K"
    assert code[16] == uscc.org_check_char("MA1X2Y3K")
