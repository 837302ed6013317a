from portal.templatetags.audit_values import audit_value


def test_an_instant_recorded_in_utc_reads_in_uk_time():
    # 22:59 UTC on 10 July is 23:59 British Summer Time.
    assert audit_value("2027-07-10T22:59:00Z") == "10 Jul 2027, 23:59"
    assert audit_value("2027-01-10T23:59:00+00:00") == "10 Jan 2027, 23:59"


def test_a_change_from_one_value_to_another_reads_as_a_sentence():
    change = {"from": "2027-07-10T22:59:00Z", "to": "2027-07-20T23:59:00+01:00"}
    assert audit_value(change) == "from 10 Jul 2027, 23:59 to 20 Jul 2027, 23:59"


def test_dates_lists_and_plain_values_are_shown_plainly():
    assert audit_value("2026-11-22") == "22 Nov 2026"
    assert audit_value([1, 2, 3]) == "1, 2, 3"
    assert audit_value(None) == "(none)"
    assert audit_value("Returned from leave") == "Returned from leave"
    assert audit_value(True) == "True"
