/* A write handler stored positionally in a table of one-member structs (an MSR write table:
   { { NULL }, { wrFoo }, ... }) gets the value the guest writes in its parameters 3 and 4
   (queries/models/cpum.toml: slot pfnWrMsr). Its other parameters, and a read handler stored
   in another table's slot, do not. */
typedef unsigned int uint32_t;
typedef unsigned long long uint64_t;
typedef int (*PFNWR)(void *pVCpu, uint32_t idMsr, const void *pRange, uint64_t uValue, uint64_t uRawValue);
typedef int (*PFNRD)(void *pVCpu, uint32_t idMsr, const void *pRange, uint64_t *puValue);
typedef struct MSRSTATE { uint64_t uApicBase; uint64_t uRaw; uint32_t idLast; uint64_t uReadBack; } MSRSTATE;
static MSRSTATE g_Msrs;

static int wrApicBase(void *pVCpu, uint32_t idMsr, const void *pRange, uint64_t uValue, uint64_t uRawValue)
{
    g_Msrs.uApicBase = uValue;
    g_Msrs.uRaw = uRawValue;
    g_Msrs.idLast = idMsr;
    return 0;
}

static int rdApicBase(void *pVCpu, uint32_t idMsr, const void *pRange, uint64_t *puValue)
{
    *puValue = g_Msrs.uApicBase;
    g_Msrs.uReadBack = idMsr;
    return 0;
}

static const struct WRENTRY { PFNWR pfnWrMsr; } g_aWrFns[3] =
{
    { 0 },
    { wrApicBase },  // @table
    { 0 },
};

static const struct RDENTRY { PFNRD pfnRdMsr; } g_aRdFns[2] =
{
    { 0 },
    { rdApicBase },
};

// flow here: guest-write:pfnWrMsr -> MSRSTATE.uApicBase
// flow here: guest-write:pfnWrMsr -> MSRSTATE.uRaw
// evidence: guest-write:pfnWrMsr -> wrApicBase:uValue : table
// no flow here: guest-write:pfnWrMsr -> MSRSTATE.idLast
// no flow here: guest-write:pfnWrMsr -> MSRSTATE.uReadBack
