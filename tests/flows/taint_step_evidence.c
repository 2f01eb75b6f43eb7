/* Taint: the step into a field written in two functions (a field node is shared by every struct of
   its type) shows the statement of the function the path is in (devTakeDesc), not the first one
   (devLoadDefaults, which copies a host default). */
typedef struct DESC { unsigned cbLen; unsigned fFlags; } DESC;
typedef struct DEV { unsigned char abBuf[64]; unsigned char abSrc[64]; unsigned cbPending; DESC Defaults; } DEV;

static void devLoadDefaults(DEV *pThis, DESC *pDesc)
{
    pThis->cbPending = pDesc->cbLen;
}

static void devTakeDesc(DEV *pThis, DESC *pDesc)
{
    pThis->cbPending = pDesc->cbLen;
}

void devReset(DEV *pThis)
{
    devLoadDefaults(pThis, &pThis->Defaults);
}

void devXmit(void *pDevIns, DEV *pThis, unsigned long GCPhys)
{
    DESC Desc;
    PDMDevHlpPhysRead(pDevIns, GCPhys, &Desc, sizeof(Desc));
    devTakeDesc(pThis, &Desc);
    memcpy(pThis->abBuf, pThis->abSrc, pThis->cbPending); // taint: unchecked
}

// flow here: DESC.cbLen -> DEV.cbPending
// flow here: DEV.cbPending -> copy-size:memcpy
