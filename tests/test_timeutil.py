import datetime as dt
import threading

from wijkwerk.timeutil import frozen_at, now_utc


def test_frozen_clock_is_per_thread_and_always_restored():
    moment = dt.datetime(2027, 9, 15, tzinfo=dt.UTC)
    barrier = threading.Barrier(2)
    seen = []

    def job():
        with frozen_at(moment):
            barrier.wait()
            seen.append(now_utc())
            barrier.wait()

    threads = [threading.Thread(target=job) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert seen == [moment, moment]
    assert now_utc() != moment  # nothing left frozen here
    with frozen_at(moment):
        assert now_utc() == moment
    assert abs(now_utc() - dt.datetime.now(dt.UTC)) < dt.timedelta(seconds=5)
