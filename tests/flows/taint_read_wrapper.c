/* Taint: a descriptor read from guest memory through helpers that hand their buffer parameter on
   (devReadTd -> devGetDWords -> devPhysRead -> PDMDevHlpPhysRead): its fields are guest values,
   as they would be read straight. */
typedef struct TD { unsigned cbp; unsigned be; } TD;
typedef struct DEV { void *pDevIns; unsigned char abBuf[64]; unsigned char abSrc[64]; } DEV;

static void devPhysRead(DEV *pThis, unsigned long Addr, void *pvBuf, unsigned cb)
{
    PDMDevHlpPhysRead(pThis->pDevIns, Addr, pvBuf, cb);
}

static void devGetDWords(DEV *pThis, unsigned long Addr, unsigned *pau32, int c32)
{
    devPhysRead(pThis, Addr, pau32, c32 * 4);
}

static void devReadTd(DEV *pThis, unsigned long Addr, TD *pTd)
{
    devGetDWords(pThis, Addr, (unsigned *)pTd, sizeof(*pTd) >> 2);
}

void devXferUnchecked(DEV *pThis, unsigned long Addr)
{
    TD Td;
    devReadTd(pThis, Addr, &Td);
    memcpy(pThis->abBuf, pThis->abSrc, Td.be - Td.cbp); // taint: unchecked
}

void devXferChecked(DEV *pThis, unsigned long Addr, TD *pTd)
{
    devReadTd(pThis, Addr, pTd);
    unsigned cb = pTd->be - pTd->cbp;
    if (cb > sizeof(pThis->abBuf))
        return;
    memcpy(pThis->abBuf, pThis->abSrc, cb); // taint: checked (early exit)
}

// flow here: TD.be -> copy-size:memcpy
