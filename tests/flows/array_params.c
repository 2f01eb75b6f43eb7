/* A pointer used as an array names many objects, also when only whole elements are taken:
   a call handler gets its parameters as `PARM paParms[]` and hands `&paParms[i]` to small
   getters and setters. The union in each element is then storage of many objects: a time
   stamp one setter stores into one parameter's 64-bit member does not read back, as a plain
   flow, as another parameter's pointer (issue 27: a guest property's value took every
   HGCMSvcSet* of the service as its "sources"). Negative twin: a struct only ever used as one
   object keeps one union storage, members read back through each other. */
typedef unsigned int uint32_t;
typedef unsigned long long uint64_t;

typedef struct PARM
{
    uint32_t type;
    union
    {
        uint32_t uint32;
        uint64_t uint64;
        struct { uint32_t size; void *addr; } pointer;
    } u;
} PARM;

static void parmSetU64(PARM *pParm, uint64_t u64)
{
    pParm->type = 2;
    pParm->u.uint64 = u64;
}

static void *parmGetPtr(PARM *pParm)
{
    return pParm->u.pointer.addr;
}

void *g_pvValue;

void svcCall(PARM paParms[], uint64_t uStamp)
{
    parmSetU64(&paParms[0], uStamp);
    g_pvValue = parmGetPtr(&paParms[1]);
}

// no flow here: svcCall#1 (uStamp) -> g_pvValue
// no flow here: g_pvValue <- svcCall#1 (uStamp)
// flow here: svcCall#1 (uStamp) -> parmSetU64#1 (u64)

/* the twin: one object, whose union members share one storage */
typedef struct ONE
{
    uint32_t type;
    union
    {
        uint32_t uint32;
        uint64_t uint64;
        struct { uint32_t size; void *addr; } pointer;
    } u;
} ONE;

static void oneSetU64(ONE *pOne, uint64_t u64)
{
    pOne->u.uint64 = u64;
}

static void *oneGetPtr(ONE *pOne)
{
    return pOne->u.pointer.addr;
}

void *g_pvOne;

void oneCall(ONE *pOne, uint64_t uStamp)
{
    oneSetU64(pOne, uStamp);
    g_pvOne = oneGetPtr(pOne);
}

// flow here: oneCall#1 (uStamp) -> g_pvOne
// flow here: g_pvOne <- oneCall#1 (uStamp)
