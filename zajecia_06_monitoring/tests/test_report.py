from zajecia_06_monitoring.report import _with_current


class Result:
    month = "2013-07"

    def summary(self):
        return {"month": "2013-07", "status": "alert"}


def test_months_in_calendar_order_with_the_fresh_entry_for_this_month():
    history = [{"month": "2013-07", "status": "ok"}, {"month": "2013-12", "status": "ok"}]
    months = _with_current(history, Result())
    assert [m["month"] for m in months] == ["2013-07", "2013-12"]
    assert months[0]["status"] == "alert"
