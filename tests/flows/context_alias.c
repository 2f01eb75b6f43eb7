/* Calling context through a may-alias call entry (issue 27). A getter called with an object
   whose identity is not known (a pointer read from a field) is entered from the type's field:
   that step is still a call at one call site, so what the getter writes out goes back to that
   call only, never to another caller's out argument. The value read at the known-object call
   comes from that caller's own object. */
typedef unsigned int uint32_t;
typedef unsigned long long uint64_t;
typedef struct PARM
{
    uint32_t type;
    union
    {
        uint64_t u64;
        struct { char *addr; uint32_t size; } pointer;
    } u;
} PARM;
typedef struct WAITER { PARM *paParms; } WAITER;

WAITER *g_pWaiter;
char *g_pszSet;
char *g_pszNotify;

static int parmGetStr(PARM *pParm, char **ppsz)
{
    *ppsz = pParm->u.pointer.addr;
    return 0;
}

/* a waiter's saved parameters: a pointer read from a global, any object (the type's field) */
void notifyWaiter(void)
{
    char *pszSaved = 0;
    parmGetStr(&g_pWaiter->paParms[0], &pszSaved);
    g_pszNotify = pszSaved;
}

void keepWaiter(char *pszWaiter)
{
    g_pWaiter->paParms[0].u.pointer.addr = pszWaiter;
}

/* a handler reading its caller's own parameter array */
static int setValue(PARM *paParms)
{
    char *pszValue = 0;
    parmGetStr(&paParms[1], &pszValue);
    g_pszSet = pszValue;
    return 0;
}

int setFromHost(char *pszHost)
{
    PARM aParms[2];
    aParms[1].u.pointer.addr = pszHost;
    return setValue(aParms);
}

// flow here: setFromHost#0 (pszHost) -> g_pszSet
// flow here: keepWaiter#0 (pszWaiter) -> g_pszNotify
// no flow here: keepWaiter#0 (pszWaiter) -> g_pszSet
// no flow here: keepWaiter#0 (pszWaiter) -> setValue:pszValue
// flow here: g_pszSet <- setFromHost#0 (pszHost)
// no flow here: g_pszSet <- keepWaiter#0 (pszWaiter)
// edge kind: field:<anon:PARM.u.pointer context_alias.c>.addr -> param:context_alias.c:parmGetStr#0*.u.pointer.addr : alias-arg
