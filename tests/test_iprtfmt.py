"""IPRT format strings -> regexes: every conversion the VBox.log mapping relies on."""
import pytest

from srcscan.logs.iprtfmt import compile_format, parse_format, parse_value


def bind(fmt: str, printed: str) -> dict:
    """{argument index: parsed value} for the one line ``fmt`` printed as ``printed``."""
    f = compile_format(fmt)
    assert len(f.lines) == 1
    lp = f.lines[0]
    m = lp.regex.match(printed)
    assert m, f"{fmt!r} did not match {printed!r} ({lp.source})"
    return {s.arg: parse_value(s.kind, m.group(s.group)) for s in lp.specs}


@pytest.mark.parametrize("fmt, printed, value", [
    ("x=%RU64\n", "x=18446744073709551615", 18446744073709551615),
    ("x=%RU32\n", "x=4294967295", 4294967295),
    ("x=%RI64\n", "x=-9223372036854775808", -9223372036854775808),
    ("x=%RI32\n", "x=-12", -12),
    ("x=%RX64\n", "x=cf5241bb", 0xCF5241BB),
    ("x=%RX32\n", "x=7ffd7001", 0x7FFD7001),
    ("x=%#RX64\n", "x=0xcf5241bb", 0xCF5241BB),
    ("x=%#RX32\n", "x=0x93330d6c", 0x93330D6C),
    ("x=%RGp\n", "x=000000007ffd7001", 0x7FFD7001),
    ("x=%#RGp\n", "x=0x000000007ffd7001", 0x7FFD7001),
    ("x=%RHp\n", "x=0000000123456000", 0x123456000),
    ("x=%Rrc\n", "x=VERR_CFGM_VALUE_NOT_FOUND", "VERR_CFGM_VALUE_NOT_FOUND"),
    ("x=%Rrc\n", "x=-2103", -2103),
    ("x=%Rhrc\n", "x=E_ACCESSDENIED", "E_ACCESSDENIED"),
    ("x=%RTbool\n", "x=true", True),
    ("x=%RTbool\n", "x=false", False),
    ("x=%s\n", "x=VirtTscEmulated", "VirtTscEmulated"),
    ("x=%d\n", "x=-1", -1),
    ("x=%u\n", "x=100", 100),
    ("x=%x\n", "x=1b", 0x1B),
    ("x=%#x\n", "x=0x1b", 0x1B),
    ("x=%p\n", "x=0x00007f3a12345678", 0x7F3A12345678),
    ("x=%lld\n", "x=-5", -5),
    ("x=%zu\n", "x=13", 13),
    ("x=%#018llx\n", "x=0x0000000000000064", 100),
])
def test_every_listed_specifier_matches_and_parses(fmt, printed, value):
    assert bind(fmt, printed) == {0: value}


def test_percent_percent_is_a_literal_and_consumes_no_argument():
    assert bind("load %u%% of %u\n", "load 42% of 100") == {0: 42, 1: 100}
    assert compile_format("100%% sure\n").lines[0].regex.match("100% sure")
    assert not compile_format("100%% sure\n").lines[0].regex.match("100 sure")


def test_thousands_grouping_with_spaces():
    fmt = "TM: cTSCTicksPerSecond=%'RU64 (%#RX64) enmTSCMode=%d (%s)\n"
    got = bind(fmt, "TM: cTSCTicksPerSecond=3 478 274 491 (0xcf5241bb) enmTSCMode=1 (VirtTscEmulated)")
    assert got == {0: 3478274491, 1: 3478274491, 2: 1, 3: "VirtTscEmulated"}
    assert bind("n=%'RU64 ns\n", "n=999 ns") == {0: 999}  # below 1000: no separator
    assert bind("n=%'RI64\n", "n=-1 234 567") == {0: -1234567}
    # a grouped number is not confused with two numbers
    assert not compile_format("n=%'RU64\n").lines[0].regex.match("n=3 47 274")


def test_widths_pad_with_spaces_or_zeros():
    assert bind("VCPU%3d: ok\n", "VCPU  0: ok") == {0: 0}
    assert bind("VCPU%3d: ok\n", "VCPU123: ok") == {0: 123}
    assert bind("[%-8s] %08x\n", "[EMT     ] 0000beef") == {0: "EMT", 1: 0xBEEF}
    assert bind("%5u|\n", "   42|") == {0: 42}


def test_star_width_and_precision_consume_their_own_argument():
    # %-*s takes (width, string): the printed text belongs to the second argument
    f = compile_format('  %-*s <string>  = "%s" (cb=%zu)\n')
    assert [s.arg for s in f.lines[0].specs] == [1, 2, 3]
    assert f.nargs == 4
    assert bind('  %-*s <string>  = "%s" (cb=%zu)\n', '  Name              <string>  = "Ubuntu 22.04" (cb=13)') \
        == {1: "Name", 2: "Ubuntu 22.04", 3: 13}
    assert bind("%.*s|%u\n", "abc|7") == {1: "abc", 2: 7}
    assert bind("%*.*s|%u\n", "  abc|7") == {2: "abc", 3: 7}


def test_multi_line_format_gives_one_pattern_per_line_with_the_right_arguments():
    fmt = ("TM:     cTSCTicksPerSecond=%'RU64 (%#RX64) enmTSCMode=%d (%s)\n"
           "TM: cTSCTicksPerSecondHost=%'RU64 (%#RX64)\n"
           "TM: TSCTiedToExecution=%RTbool TSCNotTiedToHalt=%RTbool\n")
    f = compile_format(fmt)
    assert [[s.arg for s in lp.specs] for lp in f.lines] == [[0, 1, 2, 3], [4, 5], [6, 7]]
    assert [lp.open for lp in f.lines] == [False, False, False]
    m = f.lines[1].regex.match("TM: cTSCTicksPerSecondHost=3 400 109 000 (0xcaa8e9c8)")
    assert parse_value("dec", m.group("a4")) == 3400109000


def test_alignment_differences_between_releases_still_match():
    # 6.1 pads "TM:     cTSC..." while older releases print "TM: cTSC..."
    lp = compile_format("TM:     cTSCTicksPerSecond=%'RU64\n").lines[0]
    assert lp.regex.match("TM: cTSCTicksPerSecond=3 478 274 491")
    assert lp.regex.match("TM:     cTSCTicksPerSecond=3 478 274 491")


def test_format_without_newline_is_open_and_matches_a_line_start():
    lp = compile_format("  %-*s <integer> = %#018llx (%'lld").lines[0]
    assert lp.open
    m = lp.regex.match("  NumCPUs           <integer> = 0x0000000000000004 (4)")
    assert m and parse_value("dec", m.group("a3")) == 4


def test_literal_text_is_never_a_regex():
    lp = compile_format("a.b*c (x) [y] $z ^%u\n").lines[0]
    assert lp.regex.match("a.b*c (x) [y] $z ^5")
    assert not lp.regex.match("aXbbbc (x) [y] $z ^5")


def test_unknown_conversion_is_printed_as_is_and_nested_formats_take_two_arguments():
    items = parse_format("%Q %M %u")
    specs = [x for x in items if not isinstance(x, str)]
    assert items[0].startswith("%Q")
    assert [(s.text, s.arg, s.consumes) for s in specs] == [("%M", 0, 2), ("%u", 2, 1)]


def test_prefix_conversions_match_but_bind_nothing():
    f = compile_format("x=%u\n", prefix="{%p} Console::powerUp: ")
    m = f.lines[0].regex.match("{0x00007f0012345678} Console::powerUp: x=3")
    assert m and [s.arg for s in f.lines[0].specs] == [0]


@pytest.mark.parametrize("kind, text, value", [
    ("dec", "3 478 274 491", 3478274491), ("hex", "0xcf5241bb", 0xCF5241BB), ("hex", "CF5241BB", 0xCF5241BB),
    ("bool", "true", True), ("float", "18.20", 18.2), ("rc", "VINF_SUCCESS", "VINF_SUCCESS"),
    ("dec", "garbage", "garbage"),
])
def test_parse_value(kind, text, value):
    assert parse_value(kind, text) == value
