-- pyhunt library views for the async rules PH105-PH114 (the event loop's
-- cancellation, concurrency and timeouts). Loaded after views.sql; every
-- view here is TEMP, like the rest of the library.

-- thread_lock_types(qualname)
-- Lock-like types that block the calling thread when acquired: in a
-- coroutine they block the event loop while another thread holds them.
CREATE TEMP VIEW thread_lock_types(qualname) AS
  VALUES ('threading.Lock'), ('threading.RLock'), ('threading.Semaphore'),
         ('threading.BoundedSemaphore'), ('threading.Condition'),
         ('multiprocessing.Lock'), ('multiprocessing.RLock'), ('multiprocessing.Semaphore'),
         ('multiprocessing.BoundedSemaphore'), ('multiprocessing.Condition');
