/* timer.c: the implementation of timer.h (use it as it is: do not edit). */

#include <string.h>

#include "timer.h"

stamp_t timer_now(void)
{
    return time(NULL);
}

ticks_t timer_ticks(void)
{
    return clock();
}

seconds_t timer_seconds(ticks_t ticks)
{
    return (seconds_t)ticks / TICKS_PER_SECOND;
}

enum timer_state timer_check(seconds_t elapsed, seconds_t limit)
{
    if (limit <= 0 || limit > TIMER_MAX_SECONDS)
        return TIMER_IDLE;
    return elapsed < limit ? TIMER_RUNNING : TIMER_EXPIRED;
}

double timer_c_value(const char *name)
{
    static const struct { const char *name; double value; } values[] = {
        {"TICKS_PER_SECOND", (double)TICKS_PER_SECOND},
        {"TIMER_MAX_SECONDS", (double)TIMER_MAX_SECONDS},
        {"TIMER_RESOLUTION", TIMER_RESOLUTION},
        {"TIMER_IDLE", TIMER_IDLE},
        {"TIMER_RUNNING", TIMER_RUNNING},
        {"TIMER_EXPIRED", TIMER_EXPIRED},
        {"sizeof stamp_t", (double)sizeof(stamp_t)},
        {"sizeof ticks_t", (double)sizeof(ticks_t)},
        {"sizeof seconds_t", (double)sizeof(seconds_t)},
        {"signed stamp_t", (stamp_t)-1 < 0},
        {"signed ticks_t", (ticks_t)-1 < 0},
        {"float seconds_t", (seconds_t)0.5 != 0},
    };
    size_t i;

    for (i = 0; i < sizeof values / sizeof values[0]; i++)
        if (strcmp(values[i].name, name) == 0)
            return values[i].value;
    return -1;
}
