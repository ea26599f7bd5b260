"""The lab module of lesson 12: small C functions to time, to batch and to call from threads."""

from cffi import FFI

ffibuilder = FFI()

ffibuilder.cdef("""
    // --8<-- [start:cdef]
    int add(int a, int b);

    /* One value per call, or a whole buffer per call; both count their calls. */
    double scale_one(double x, double factor);
    void scale_all(double *values, size_t count, double factor);
    extern long calls;

    /* Waits ms milliseconds inside C, and notes how many threads were inside at once. */
    void nap(int ms);
    /* Computes for a while (n rounds of arithmetic), and notes the same. */
    unsigned int crunch(unsigned int n);
    int peak_inside(void);      /* the most threads ever inside nap()/crunch() together */
    void reset_peak(void);
    // --8<-- [end:cdef]
""")

ffibuilder.set_source("_perflab_cffi", r"""
    #include <stddef.h>

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

    int add(int a, int b) { return a + b; }

    long calls = 0;

    double scale_one(double x, double factor)
    {
        calls++;
        return x * factor;
    }

    // --8<-- [start:scale_all]
    /* The loop that Python would run, moved into C: one call for count values. */
    void scale_all(double *values, size_t count, double factor)
    {
        calls++;
        for (size_t i = 0; i < count; i++)
            values[i] *= factor;
    }
    // --8<-- [end:scale_all]

    /* Threads inside right now, and the most there ever were: updated
       atomically, since several threads run this C code at the same time. */
    static volatile long inside = 0;
    static volatile long peak = 0;

    static void enter(void)
    {
        long now = add_now(&inside, 1);
        long seen = peak;
        while (now > seen && !swap_if(&peak, seen, now))
            seen = peak;
    }

    static void leave(void) { add_now(&inside, -1); }

    void nap(int ms)
    {
        enter();
        sleep_ms(ms);
        leave();
    }

    unsigned int crunch(unsigned int n)
    {
        unsigned int x = 1;
        enter();
        for (unsigned int i = 0; i < n; i++)
            x = x * 1103515245u + 12345u;
        leave();
        return x;
    }

    int peak_inside(void) { return (int)peak; }
    void reset_peak(void) { peak = 0; }
""")

if __name__ == "__main__":
    ffibuilder.compile(verbose=True)
