import os

import pytest

from cpdata.catalogue import catalogue
from cpdata.catalogue.catalogue import CatalogueError, load_catalogue, load_frameworks, parse_framework
from cpdata.core.datafolder import DataFolder

REQUIRED = [
    "care_leavers_eet_19_21",
    "care_leavers_eet_17_18",
    "care_leavers_suitable_accom_19_21",
    "care_leavers_suitable_accom_17_18",
    "cla_3plus_placements",
    "cla_long_term_stability",
    "cla_health_assessment",
    "cla_dental_check",
    "cla_immunisations",
    "cla_sdq_received",
    "cla_sdq_average",
    "cla_convictions",
    "cla_count",
    "cla_rate_per_10k",
    "cla_starting",
    "cla_ceasing",
    "cla_ks4_eng_maths_4plus",
    "cla_ks4_attainment8",
]


def test_required_ids_exist_and_are_published():
    cat = load_catalogue(DataFolder.of())
    for ind_id in REQUIRED:
        assert cat.indicator(ind_id).published, ind_id


def test_every_framework_indicator_is_in_catalogue_with_polarity_and_definition():
    cat = load_catalogue(DataFolder.of())
    fws = load_frameworks(DataFolder.of())
    assert {"barnet", "barnsley", "barking_dagenham"} <= set(fws)
    for fw in fws.values():
        for pledge in fw.pledges:
            assert pledge.indicators, (fw.id, pledge.id)
            for ind_id in pledge.indicators:
                ind = cat.indicator(ind_id)
                assert ind.polarity in catalogue.POLARITIES
                assert ind.definition.strip()
            for m in pledge.bright_spots:
                assert m in cat.bright_spots


def test_pledge_counts_match_the_seed_documents():
    fws = load_frameworks(DataFolder.of())
    assert [p.order for p in fws["barnet"].pledges] == [1, 2, 3, 4, 5, 6]
    assert len(fws["barnsley"].pledges) == 6
    assert len(fws["barking_dagenham"].pledges) == 5
    assert fws["barnet"].pledges[0].title == "Support you to fulfil your dreams"
    assert next(iter(fws)) == "barnet"  # the default comes first


def test_polarity_of_placement_moves_is_lower_better():
    assert load_catalogue(DataFolder.of()).indicator("cla_3plus_placements").polarity == "lower"


def test_framework_with_unknown_indicator_is_refused():
    raw = {"id": "x", "title": "X", "pledge": [{"id": "p", "order": 1, "title": "P", "indicators": ["nope"]}]}
    with pytest.raises(CatalogueError, match="unknown indicator 'nope'"):
        parse_framework(raw, load_catalogue(DataFolder.of()))


def test_council_can_bring_its_own_framework(tmp_path):
    (tmp_path / "frameworks").mkdir()
    (tmp_path / "frameworks" / "ours.toml").write_text(
        'id = "ours"\ntitle = "Our promises"\ncouncil_code = "E08000016"\npledge_word = "Promise"\n'
        '[[pledge]]\nid = "home"\norder = 1\ntitle = "A stable home"\nindicators = ["cla_3plus_placements"]\n',
        encoding="utf-8",
    )
    fws = load_frameworks(DataFolder(tmp_path))
    assert fws["ours"].pledge("home").indicators == ("cla_3plus_placements",)
    assert fws["ours"].pledge_word == "Promise"


def test_context_page_indicators_exist():
    assert "cla_count" in catalogue.context_indicators()


GOOD = 'id = "ours"\ntitle = "Ours"\n[[pledge]]\nid = "home"\norder = 1\ntitle = "Home"\n'
BROKEN = {
    "bad_toml.toml": b'id = "x"\ntitle = "X\n',
    "not_utf8.toml": 'id = "x"\ntitle = "Caf\u00e9"\n'.encode("cp1252"),
    "no_pledges.toml": b'id = "x"\ntitle = "X"\n',
    "pledge_no_id.toml": b'id = "x"\ntitle = "X"\n[[pledge]]\norder = 1\ntitle = "P"\n',
    "order_not_number.toml": b'id = "x"\ntitle = "X"\n[[pledge]]\nid = "p"\norder = "first"\ntitle = "P"\n',
    "pledge_not_table.toml": b'id = "x"\ntitle = "X"\npledge = ["p"]\n',
    "id_not_for_urls.toml": b'id = "x/../y"\ntitle = "X"\n[[pledge]]\nid = "p"\norder = 1\ntitle = "P"\n',
    "url_of_another_page.toml": b'id = "about"\ntitle = "X"\n[[pledge]]\nid = "data"\norder = 1\ntitle = "P"\n',
    "url_of_barnets_pledge.toml": b'id = "barnet_there"\ntitle = "X"\n[[pledge]]\nid = "for_you"\norder = 1\n'
    b'title = "P"\n',
    "pledge_ids_twice.toml": b'id = "x"\ntitle = "X"\n[[pledge]]\nid = "p"\norder = 1\ntitle = "P"\n'
    b'[[pledge]]\nid = "p"\norder = 2\ntitle = "Q"\n',
    "unknown_indicator.toml": b'id = "x"\ntitle = "X"\n[[pledge]]\nid = "p"\norder = 1\ntitle = "P"\n'
    b'indicators = ["nope"]\n',
}


@pytest.mark.parametrize("name", list(BROKEN))
def test_a_broken_council_framework_file_is_left_out_with_its_reason(tmp_path, name):
    folder = tmp_path / "frameworks"
    folder.mkdir()
    (folder / name).write_bytes(BROKEN[name])
    (folder / "ours.toml").write_text(GOOD, encoding="utf-8")
    fws = load_frameworks(DataFolder(tmp_path))
    assert set(fws) == {"barnet", "barnsley", "barking_dagenham", "ours"}, catalogue.framework_problems(
        DataFolder(tmp_path)
    )
    [problem] = catalogue.framework_problems(DataFolder(tmp_path))
    assert name in problem and "not loaded" in problem.lower()
    assert catalogue.framework_problems(DataFolder(tmp_path.parent / "empty")) == []


def test_a_broken_shipped_framework_is_a_bug_and_raises(tmp_path, monkeypatch):
    (tmp_path / "shipped.toml").write_bytes(BROKEN["order_not_number.toml"])
    monkeypatch.setattr(catalogue, "FRAMEWORK_DIR", tmp_path)
    with pytest.raises(CatalogueError, match="shipped.toml"):
        load_frameworks(DataFolder(tmp_path / "no data folder"))


@pytest.mark.parametrize("kind", ["folder", "broken link", "no permission"])
def test_a_council_framework_file_that_cannot_be_opened_is_left_out(tmp_path, kind):
    folder = tmp_path / "frameworks"
    folder.mkdir()
    bad = folder / "bad.toml"
    if kind == "folder":
        bad.mkdir()
    elif kind == "broken link":
        bad.symlink_to(tmp_path / "gone.toml")
    else:
        bad.write_text(GOOD.replace("ours", "x"), encoding="utf-8")
        bad.chmod(0)
        if os.access(bad, os.R_OK):  # root reads anything: make it unreadable another way
            bad.unlink()
            bad.mkdir()
    (folder / "ours.toml").write_text(GOOD, encoding="utf-8")
    assert set(load_frameworks(DataFolder(tmp_path))) == {"barnet", "barnsley", "barking_dagenham", "ours"}
    [problem] = catalogue.framework_problems(DataFolder(tmp_path))
    assert "bad.toml: cannot be read" in problem


def test_the_reserved_page_paths_are_the_routers():
    from tests.app.test_app import start

    at = start()
    registered = {info["url_pathname"] for info in at._registered_pages.values()}
    pledges = {catalogue.pledge_url(f.id, p.id) for f in load_frameworks(DataFolder.of()).values() for p in f.pledges}
    # The default page, the overview (url_path "overview"), is registered at "".
    assert registered - pledges - {""} == set(catalogue.PAGE_PATHS) - {"overview"}


def test_each_indicator_names_the_publication_its_figures_come_from():
    """An indicator's definition names the publication of the DfE file its shipped recipe reads (issue 18 item 6:
    the health assessment's definition said "Children looked after in England" while its rows, from the health
    and convictions file, said "Outcomes for children in need")."""
    from cpdata.uploads import ees

    cat = load_catalogue(DataFolder.of())
    wrong = [
        (i.id, cat.indicator(i.id).source, r.publication)
        for r in ees.shipped_recipes()
        for i in r.indicators
        if r.publication.removeprefix("DfE: ") not in cat.indicator(i.id).source
    ]
    assert wrong == []
