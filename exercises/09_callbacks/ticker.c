/* ticker: a small C library that keeps a callback and calls it later.

   The grader builds it into a shared library (libticker.so, libticker.dylib
   or ticker.dll) and ticker.py loads it in ABI mode. Nothing to change here. */

typedef void (*ticker_fn)(int count, void *userdata);

static ticker_fn saved_fn = 0;
static void *saved_userdata = 0;
static int count = 0;

/* Keeps fn and userdata: every later ticker_tick() calls fn(count, userdata). */
void ticker_start(ticker_fn fn, void *userdata)
{
    saved_fn = fn;
    saved_userdata = userdata;
    count = 0;
}

/* One tick: calls the kept callback with the number of ticks so far, and
   returns that number; returns -1 (and calls nothing) when no callback is kept. */
int ticker_tick(void)
{
    if (!saved_fn)
        return -1;
    count++;
    saved_fn(count, saved_userdata);
    return count;
}

/* Forgets the callback: later ticks call nothing. */
void ticker_stop(void)
{
    saved_fn = 0;
    saved_userdata = 0;
}
