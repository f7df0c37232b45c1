"""The query language, through python-quickbooks helpers and raw GET/POST."""

import pytest
from quickbooks.exceptions import ValidationException
from quickbooks.objects import Account, Customer, Item


def test_paging_is_one_based_and_ordered_by_id(qb):
    first = Customer.all(qb=qb, start_position=1, max_results=10)
    second = Customer.all(qb=qb, start_position=11, max_results=10)
    last = Customer.all(qb=qb, start_position=21, max_results=10)
    beyond = Customer.all(qb=qb, start_position=31, max_results=10)

    ids = [c.Id for c in first + second + last]
    assert ids == [str(n) for n in range(1, 31)]
    assert beyond == []


def test_page_metadata_and_empty_result(api):
    page = api(
        "GET", "query", params={"query": "select * from Customer STARTPOSITION 5 MAXRESULTS 3"}
    ).json()["QueryResponse"]
    none = api(
        "POST",
        "query",
        data="select * from Customer where DisplayName = 'Personne'",
        headers={"Content-Type": "application/text"},
    ).json()

    assert (page["startPosition"], page["maxResults"]) == (5, 3)
    assert [c["Id"] for c in page["Customer"]] == ["5", "6", "7"]
    assert none["QueryResponse"] == {}


def test_default_page_size_is_100(qb, qbo_emulator):
    for n in range(80):
        qbo_emulator.company("9130357766900456").save("Customer", {"DisplayName": f"Client {n}"})

    assert len(Customer.where("", qb=qb)) == 100
    assert Customer.count(qb=qb) == 110


def test_order_by_both_spellings_and_desc(qb):
    spaced = Customer.all(qb=qb, order_by="DisplayName DESC", max_results=3)
    joined = Customer.filter(Active=True, order_by="DisplayName DESC", max_results=3, qb=qb)

    assert [c.DisplayName for c in spaced] == [c.DisplayName for c in joined]
    assert spaced[0].DisplayName >= spaced[1].DisplayName >= spaced[2].DisplayName


def test_in_like_and_comparisons(qb):
    chosen = Customer.choose(["1", 3], qb=qb)
    like = Customer.where("DisplayName LIKE 'marie%'", qb=qb)
    ends = Customer.where("DisplayName LIKE '%Tremblay'", qb=qb)
    greater = Customer.where("Id > '27'", qb=qb)
    escaped = Customer.filter(DisplayName="O'Brien", qb=qb)

    assert [c.Id for c in chosen] == ["1", "3"]
    assert [c.DisplayName for c in like] == ["Marie Tremblay", "Marie Gagnon"]
    assert [c.DisplayName for c in ends] == ["Marie Tremblay", "Sophie Tremblay"]
    assert [c.Id for c in greater] == ["28", "29", "30"]
    assert escaped == []


def test_sku_projection_and_type_filter(qb):
    categories = Item.filter(Type="Category", qb=qb)
    services = Item.query("SELECT *, Sku FROM Item WHERE Type = 'Service' AND Sku = 'DEP'", qb=qb)

    assert [c.Name for c in categories] == ["Main-d'œuvre", "Pièces"]
    assert [s.Name for s in services] == ["Déplacement"]


def test_inactive_hidden_unless_active_is_filtered(qb, qbo_emulator):
    company = qbo_emulator.company("9130357766900456")
    record = company.get("Account", "3")
    company.save("Account", {**record, "Active": False})

    assert "Épargne" not in [a.Name for a in Account.filter(AccountType="Bank", qb=qb)]
    both = Account.where("AccountType = 'Bank' AND Active IN (true, false)", qb=qb)
    assert [a.Name for a in both] == ["Chèques", "Épargne"]


def test_last_updated_time_filter(qb, qbo_emulator):
    qbo_emulator.clock.advance(600)
    changed = Customer.get(7, qb=qb)
    changed.Notes = "modifié"
    changed.save(qb=qb)
    stamp = Customer.get(7, qb=qb).MetaData["LastUpdatedTime"]

    recent = Customer.where(f"MetaData.LastUpdatedTime >= '{stamp}'", qb=qb)

    assert [c.Id for c in recent] == ["7"]


@pytest.mark.parametrize(
    "query,code,fragment",
    [
        ("select * from Customer maxresults 1001", 4001, "Max allowed value is 1000"),
        ("select * from Customer startposition 0", 4001, "Min allowed value is 1"),
        ("select * from Customer where Notes = 'x'", 4001, "property 'Notes' is not queryable"),
        ("select * from Customer where", 4000, "QueryParserError"),
        ("select * from Nothing", 4000, "QueryParserError"),
        ("select * from Customer 1", 4000, "QueryParserError"),
        ("selekt * from Customer", 4000, "QueryParserError"),
    ],
)
def test_bad_queries(qb, query, code, fragment):
    with pytest.raises(ValidationException) as error:
        Customer.query(query, qb=qb)

    assert error.value.error_code == code
    assert fragment in error.value.detail


def test_count_with_where(qb):
    assert Customer.count("DisplayName LIKE '%Tremblay%'", qb=qb) == 2
    assert Item.count("Type IN ('Service', 'NonInventory')", qb=qb) == 6
