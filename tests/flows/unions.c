/* Unions: the members share storage; a value written through one is read through another. */
typedef unsigned int uint32_t;
typedef unsigned long long uint64_t;

typedef union REGVAL
{
    uint64_t u64;
    uint32_t au32[2];
    struct { uint32_t uLo; uint32_t uHi; } s;
} REGVAL;

typedef struct PLAIN { uint64_t uA; uint64_t uB; } PLAIN;

uint64_t g_uOut;
uint64_t g_uPlain;

void unionWrite(REGVAL *pVal, uint64_t uIn)
{
    pVal->u64 = uIn;
}

void unionRead(REGVAL *pVal)
{
    g_uOut = pVal->s.uLo;
}

void plainStruct(PLAIN *p, uint64_t uIn)
{
    p->uA = uIn;
    g_uPlain = p->uB;
}

// flow here: unionWrite#1 (uIn) -> g_uOut
// no flow here: plainStruct#1 (uIn) -> g_uPlain
