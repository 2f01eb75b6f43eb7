/* Records laid out in a buffer: a pointer to a struct made by pointer arithmetic
   ((PHDR)((uint8_t *)pRing + off), (HDR *)&ab[off]) points at one of many records (frame
   headers in a send ring and a receive ring), so a field of that struct is a may-alias
   location: a store by one helper reaches a reader elsewhere only as a guess (three more
   steps at most), never as if every header were one variable. */
typedef unsigned char uint8_t;
typedef unsigned int uint32_t;
typedef struct RECHDR { uint32_t cbFrame; uint32_t offFrame; } RECHDR;
typedef RECHDR *PRECHDR;
typedef struct RING { uint32_t offWrite; uint32_t offRead; } RING;

void ringPut(RING *pRing, uint32_t cbFrame)
{
    PRECHDR pHdr = (PRECHDR)((uint8_t *)pRing + pRing->offWrite);
    pHdr->cbFrame = cbFrame;
}

RECHDR *ringNext(RING *pRing)
{
    return (RECHDR *)&((uint8_t *)pRing)[pRing->offRead];
}

uint32_t ringGet(RING *pRing)
{
    PRECHDR pHdr = ringNext(pRing);
    uint32_t a = pHdr->cbFrame;
    uint32_t b = a + 1;
    uint32_t c = b * 2;
    uint32_t d = c - 1;
    uint32_t e = d;
    return e;
}

// edge kind: ringPut#1 (cbFrame) -> RECHDR.cbFrame : alias-store
// flow here: ringPut#1 (cbFrame) -> RECHDR.cbFrame
// flow here: ringPut#1 (cbFrame) -> ringGet:c
// no flow here: ringPut#1 (cbFrame) -> ringGet:e
// flow here: RECHDR.cbFrame -> ringGet()

/* the negative twin: a header reached only through a plain pointer (no arithmetic, no array)
   is one location, and the reader far from the writer is a plain data flow */
typedef struct ONEHDR { uint32_t cbFrame; } ONEHDR;
typedef ONEHDR *PONEHDR;
typedef struct PORT { PONEHDR pHdr; } PORT;

void onePut(PORT *pPort, uint32_t cbFrame)
{
    PONEHDR pHdr = pPort->pHdr;
    pHdr->cbFrame = cbFrame;
}

uint32_t oneGet(PORT *pPort)
{
    PONEHDR pHdr = pPort->pHdr;
    uint32_t a = pHdr->cbFrame;
    uint32_t b = a + 1;
    uint32_t c = b * 2;
    uint32_t d = c - 1;
    uint32_t e = d;
    return e;
}

// edge kind: onePut#1 (cbFrame) -> ONEHDR.cbFrame : field-store
// flow here: onePut#1 (cbFrame) -> oneGet:e
// flow here: onePut#1 (cbFrame) -> oneGet()

/* a cast of arithmetic to a number is not a record */
typedef struct CNTR { uint32_t cTotal; } CNTR;
CNTR g_Cntr;

void cntrAdd(uint32_t a, uint32_t b)
{
    g_Cntr.cTotal = (uint32_t)(a + b);
}

uint32_t cntrGet(CNTR *p)
{
    uint32_t x = p->cTotal;
    uint32_t y = x + 1;
    uint32_t z = y * 2;
    uint32_t w = z - 1;
    uint32_t v = w;
    return v;
}

// edge kind: cntrAdd#0 (a) -> CNTR.cTotal : field-store
// flow here: cntrAdd#0 (a) -> cntrGet()
