/* timer.h: part of a small timer library (use it as it is: do not edit).

   Several names below are not plain numbers or standard types: what they are
   depends on the system, on a build option, or on other macros. */

#ifndef TIMER_H
#define TIMER_H

#include <limits.h>
#include <time.h>

typedef time_t stamp_t;         /* a calendar time, in seconds */
typedef clock_t ticks_t;        /* processor time, in ticks */

/* Seconds with a fraction: a double, or a float when the library is built
   with TIMER_SINGLE_PRECISION defined. */
#ifdef TIMER_SINGLE_PRECISION
typedef float seconds_t;
#else
typedef double seconds_t;
#endif

#define TICKS_PER_SECOND CLOCKS_PER_SEC                 /* how many ticks make a second */
#define TIMER_MAX_SECONDS (INT_MAX / TICKS_PER_SECOND)  /* the longest limit timer_check() accepts */
#define TIMER_RESOLUTION (1.0 / TICKS_PER_SECOND)       /* one tick, in seconds */

#define TIMER_STATE_BASE 0x100
enum timer_state {
    TIMER_IDLE = TIMER_STATE_BASE,
    TIMER_RUNNING,
    TIMER_EXPIRED = TIMER_STATE_BASE + 0x10
};

/* The current calendar time. */
stamp_t timer_now(void);

/* The processor time the program has used so far. */
ticks_t timer_ticks(void);

/* A number of ticks, in seconds. */
seconds_t timer_seconds(ticks_t ticks);

/* The state of a timer of `limit` seconds once `elapsed` seconds have passed:
   TIMER_IDLE if the limit is not above 0 or above TIMER_MAX_SECONDS,
   else TIMER_RUNNING before the limit, TIMER_EXPIRED from then on. */
enum timer_state timer_check(seconds_t elapsed, seconds_t limit);

/* For the course's grader: the value of one of the names above as the C
   compiler sees it, e.g. "TICKS_PER_SECOND", "sizeof stamp_t", "signed stamp_t"
   or "float seconds_t"; -1 for a name it does not know. */
double timer_c_value(const char *name);

#endif /* TIMER_H */
