/* A function that fills what its pointer parameter points to by handing the pointer on (to a
   guest-memory read, to memcpy, or to another function of the tree that does) writes it as
   surely as *p = x: the caller's struct gets the value. A function that only reads through the
   pointer it hands on writes nothing. */
typedef unsigned int uint32_t;
typedef unsigned long size_t;
typedef struct TD { uint32_t cbp; uint32_t be; } TD;
typedef struct CACHE { unsigned char ab[4096]; } CACHE;
typedef struct DEVST { uint32_t uLast; } DEVST;

static void cacheRead(PPDMDEVINS pDevIns, CACHE *pCache, uint32_t GCPhys, void *pvBuf, size_t cbBuf)
{
    if (cbBuf > 64)
        PDMDevHlpPCIPhysRead(pDevIns, GCPhys, pvBuf, cbBuf);
    else
        memcpy(pvBuf, &pCache->ab[GCPhys & 0xfff], cbBuf);
}

static void readTd(PPDMDEVINS pDevIns, CACHE *pCache, uint32_t TdAddr, TD *pTd)
{
    cacheRead(pDevIns, pCache, TdAddr, pTd, sizeof(*pTd));
}

typedef struct OTHER { uint32_t v; } OTHER;

static void logOther(const OTHER *pOther)
{
    Log(("%x\n", pOther->v));
}

static void peekOther(OTHER *pOther)
{
    logOther(pOther);
}

uint32_t serviceTd(PPDMDEVINS pDevIns, CACHE *pCache, uint32_t TdAddr, DEVST *pThis)
{
    TD Td;
    memset(&Td, 0, sizeof(Td));  /* Td gets a version per definition: its fields read the one filled by readTd */
    readTd(pDevIns, pCache, TdAddr, &Td);
    OTHER Other;
    Other.v = pThis->uLast;
    peekOther(&Other);
    pThis->uLast = Other.v;
    return Td.cbp;
}

// flow here: guest-memory:PDMDevHlpPCIPhysRead -> serviceTd()
// flow here: CACHE.ab -> serviceTd()
// no flow here: guest-memory:PDMDevHlpPCIPhysRead -> DEVST.uLast
