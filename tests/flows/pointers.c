/* Values through pointers: &x into a pointer parameter (read and written back), a pointer to
   a local in the same function, void * and casts. */
typedef unsigned long long uint64_t;

uint64_t g_uSeen;
uint64_t g_uOther;

static void ptrRead(uint64_t *pu)
{
    g_uSeen = *pu;
}

static void ptrWrite(uint64_t *pu, uint64_t uNew)
{
    *pu = uNew;
}

static void ptrReadVoid(void *pv)
{
    g_uOther = *(uint64_t *)pv;
}

void ptrCaller(uint64_t uIn)
{
    uint64_t uLocal = uIn;
    uint64_t uUntouched = 7;
    ptrRead(&uLocal);
    uint64_t uBack = 0;
    ptrWrite(&uBack, uIn);
    g_uOther = uBack;
    uint64_t uCast = uIn;
    ptrReadVoid((void *)&uCast);
    ptrRead(&uUntouched);
}

// flow here: ptrCaller#0 (uIn) -> g_uSeen
// flow here: ptrCaller#0 (uIn) -> ptrCaller:uBack
// flow here: ptrCaller:uCast -> g_uOther
// no flow here: ptrCaller:uUntouched -> ptrCaller:uBack

void ptrLocal(uint64_t uIn)
{
    uint64_t uTarget = 0;
    uint64_t uBystander = 0;
    uint64_t *pu = &uTarget;
    *pu = uIn;
    g_uSeen = uTarget;
    g_uOther = uBystander;
}

// flow here: ptrLocal#0 (uIn) -> ptrLocal:uTarget
// flow here: ptrLocal#0 (uIn) -> g_uSeen
// no flow here: ptrLocal#0 (uIn) -> ptrLocal:uBystander

/* A value made inside the callee and written back through the pointer (no argument carries it). */
uint64_t g_uSource;
uint64_t g_uFilled;

static void ptrFill(uint64_t *pu)
{
    *pu = g_uSource;
}

void ptrFillCaller(void)
{
    uint64_t uGot = 0;
    uint64_t uSpare = 0;
    ptrFill(&uGot);
    g_uFilled = uGot;
    g_uOther = uSpare;
}

// flow here: g_uSource -> ptrFillCaller:uGot
// flow here: g_uSource -> g_uFilled
// no flow here: g_uSource -> ptrFillCaller:uSpare
