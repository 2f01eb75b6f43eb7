/* Sinks that read memory through a pointer: a struct filled through a local pointer and handed
   to a guest-memory write, and a page mapped into the guest (a pointer read from a field the
   models name) that values are stored into; the guest address a write goes to. */
typedef unsigned long long uint64_t;
typedef struct GIMMMIO2REGION { void *pvPageR3; } GIMMMIO2REGION;
typedef struct REFTSC { uint64_t u64Scale; uint64_t u64Other; } REFTSC;
typedef struct HOSTBUF { void *pvData; } HOSTBUF;

void enablePage(GIMMMIO2REGION *pRegion, uint64_t uKHz)
{
    REFTSC *pRef = (REFTSC *)pRegion->pvPageR3;
    pRef->u64Scale = uKHz * 2;
}

void hostOnly(HOSTBUF *pBuf, uint64_t uKHz)
{
    REFTSC *pRef = (REFTSC *)pBuf->pvData;
    pRef->u64Other = uKHz * 2;
}

// flow here: enablePage#1 (uKHz) -> guest-memory:GIMMMIO2REGION.pvPageR3
// no flow here: hostOnly#1 (uKHz) -> guest-memory:GIMMMIO2REGION.pvPageR3

void writePage(uint64_t GCPhys, uint64_t uKHz, uint64_t uKept)
{
    REFTSC *pRef = (REFTSC *)RTMemAllocZ(4096);
    REFTSC *pKeep = (REFTSC *)RTMemAllocZ(4096);
    pRef->u64Scale = uKHz;
    pKeep->u64Scale = uKept;
    PGMPhysSimpleWriteGCPhys(0, GCPhys, pRef, sizeof(*pRef));
}

// flow here: writePage#1 (uKHz) -> guest-memory:PGMPhysSimpleWriteGCPhys
// the address of the write is a sink of its own (queries/models/pgm.toml, guest-address)
// flow here: writePage#0 (GCPhys) -> guest-address:PGMPhysSimpleWriteGCPhys
// no flow here: writePage#0 (GCPhys) -> guest-memory:PGMPhysSimpleWriteGCPhys
// no flow here: writePage#1 (uKHz) -> guest-address:PGMPhysSimpleWriteGCPhys

/* the mapped page's pointer kept in a field of the device state: stores into the state's other
   fields are not stores into the page */
typedef struct GIMDEV { REFTSC *pRef; uint64_t uOther; } GIMDEV;

void keepPage(GIMDEV *pThis, GIMMMIO2REGION *pRegion, uint64_t uKHz)
{
    pThis->pRef = (REFTSC *)pRegion->pvPageR3;
    pThis->uOther = uKHz;
}

// no flow here: keepPage#2 (uKHz) -> guest-memory:GIMMMIO2REGION.pvPageR3
// flow here: keepPage#2 (uKHz) -> GIMDEV.uOther
