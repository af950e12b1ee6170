from zajecia_04_preprocessing.clean import clean_flights


def test_cancelled_and_diverted_flights_stay(make_flights):
    flights = make_flights(
        [
            {"flight": 1},
            {"flight": 2, "dep_time": None, "dep_delay": None, "arr_delay": None},
            {"flight": 3, "arr_delay": None, "air_time": None},
        ]
    )
    cleaned = clean_flights(flights)
    assert len(cleaned.flights) == 3
    assert cleaned.removed == {"duplikat": 0, "niemożliwe opóźnienie": 0}


def test_duplicates_and_impossible_delays_are_removed_and_counted(make_flights):
    flights = make_flights(
        [
            {"flight": 1},
            {"flight": 1, "dep_delay": 5},
            {"flight": 2, "arr_delay": -121},
            {"flight": 3, "dep_delay": -120},
        ]
    )
    cleaned = clean_flights(flights)
    assert sorted(cleaned.flights["flight"]) == [1, 3]
    assert cleaned.removed == {"duplikat": 1, "niemożliwe opóźnienie": 1}
