/* Context macros (queries/macros.toml "context-suffix", "context-pointer"): a pointer type
   declared per context and picked with CTX_SUFF resolves to its struct, so fields of the same
   name in two structs stay apart. */
typedef struct TMTIMER { uint64_t u64Expire; } TMTIMER;
typedef struct OTHERTIMER { uint64_t u64Expire; } OTHERTIMER;
typedef R3PTRTYPE(struct TMTIMER *) PTMTIMERR3;
typedef R0PTRTYPE(struct TMTIMER *) PTMTIMERR0;
typedef CTX_SUFF(PTMTIMER) PTMTIMER;

typedef struct TMQUEUE
{
    PTMTIMERR3 pTimersR3;
    PTMTIMERR0 pTimersR0;
} TMQUEUE;

void timerSet(PTMTIMER pTimer, uint64_t u64Expire)
{
    pTimer->u64Expire = u64Expire;
}

void queueRun(TMQUEUE *pQueue, uint64_t u64Now)
{
    pQueue->CTX_SUFF(pTimers)->u64Expire = u64Now;
}

// flow here: timerSet#1 (u64Expire) -> TMTIMER.u64Expire
// flow here: queueRun#1 (u64Now) -> TMTIMER.u64Expire
// no flow here: timerSet#1 (u64Expire) -> OTHERTIMER.u64Expire
