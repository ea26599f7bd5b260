"""Exercise 12_performance/parallel, build time: a slow C function that notes its company.

Nothing to change in this file: your work is in parallel.py.

This builder compiles ``_parallel_cffi``. slow_square() stands for any C call
that takes a while without needing the CPU (waiting for a disk, a network, a
device): it sleeps inside C, then returns x * x. It also counts, atomically,
how many threads are inside it at the same moment, and remembers the most
there ever were: the grader reads that high-water mark.

Grade it:  nox -s grade -- 12_performance/parallel
"""

from cffi import FFI

ffibuilder = FFI()

ffibuilder.cdef("""
    long long slow_square(int x, int ms);

    /* For the grader. */
    int inside_now(void);     /* threads inside slow_square() right now */
    int peak_inside(void);    /* the most there ever were at the same time */
    long total_calls(void);   /* calls of slow_square() */
    void reset_counts(void);
""")

ffibuilder.set_source(
    "_parallel_cffi",
    r"""
    #ifdef _WIN32
    #include <windows.h>
    static void sleep_ms(int ms) { Sleep((DWORD)ms); }
    static long add_now(volatile long *p, long d) { return InterlockedExchangeAdd(p, d) + d; }
    static int swap_if(volatile long *p, long old, long new_value)
    {
        return InterlockedCompareExchange(p, new_value, old) == old;
    }
    #else
    #include <time.h>
    static void sleep_ms(int ms)
    {
        struct timespec t;
        t.tv_sec = ms / 1000;
        t.tv_nsec = (long)(ms % 1000) * 1000000L;
        nanosleep(&t, NULL);
    }
    static long add_now(volatile long *p, long d) { return __atomic_add_fetch(p, d, __ATOMIC_SEQ_CST); }
    static int swap_if(volatile long *p, long old, long new_value)
    {
        return __atomic_compare_exchange_n(p, &old, new_value, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
    }
    #endif

    /* Several threads run this code at once: every counter changes atomically. */
    static volatile long inside = 0, peak = 0, calls = 0;

    /* Waits ms milliseconds, then returns x * x. */
    long long slow_square(int x, int ms)
    {
        long now = add_now(&inside, 1), seen = peak;
        add_now(&calls, 1);
        while (now > seen && !swap_if(&peak, seen, now))
            seen = peak;
        if (ms > 0)
            sleep_ms(ms);
        add_now(&inside, -1);
        return (long long)x * x;
    }

    int inside_now(void) { return (int)add_now(&inside, 0); }
    int peak_inside(void) { return (int)add_now(&peak, 0); }
    long total_calls(void) { return add_now(&calls, 0); }
    void reset_counts(void)
    {
        add_now(&peak, -add_now(&peak, 0));
        add_now(&calls, -add_now(&calls, 0));
    }
    """,
)

if __name__ == "__main__":
    ffibuilder.compile(verbose=True)
