/* Taint: a bound whose *else* branch leaves (`if (cb <= max) { } else return;`, the likely-path
   form) checks the value like an early exit; the same form on another value does not, nor does
   an else that goes on. */
typedef struct DEV { unsigned char abBuf[64]; unsigned char abReg[64]; unsigned cbMax; } DEV;

static int devOutElseReturn(void *pDevIns, void *pvUser, unsigned offPort, unsigned u32, unsigned cb)
{
    DEV *pThis = (DEV *)pvUser;
    if (u32 <= sizeof(pThis->abBuf))
    { /* likely */ }
    else
        return -1;
    memcpy(pThis->abBuf, pThis->abReg, u32); // taint: checked (early exit)
    return 0;
}

static int devOutElseOther(void *pDevIns, void *pvUser, unsigned offPort, unsigned u32, unsigned cb)
{
    DEV *pThis = (DEV *)pvUser;
    if (cb <= sizeof(pThis->abBuf))
    { /* likely */ }
    else
        return -1;
    memcpy(pThis->abBuf, pThis->abReg, u32); // taint: unchecked
    return 0;
}

static int devOutElseGoesOn(void *pDevIns, void *pvUser, unsigned offPort, unsigned u32, unsigned cb)
{
    DEV *pThis = (DEV *)pvUser;
    if (u32 <= sizeof(pThis->abBuf))
    { /* likely */ }
    else
        pThis->cbMax = 0;
    memset(pThis->abBuf, 0, u32); // taint: unchecked
    return 0;
}

int devConstruct(void *pDevIns, DEV *pThis)
{
    PDMDevHlpIoPortCreate(pDevIns, 1, 0, 0, devOutElseReturn, 0, pThis, "a", 0, 0);
    PDMDevHlpIoPortCreate(pDevIns, 1, 0, 0, devOutElseOther, 0, pThis, "b", 0, 0);
    PDMDevHlpIoPortCreate(pDevIns, 1, 0, 0, devOutElseGoesOn, 0, pThis, "c", 0, 0);
    return 0;
}

// flow here: devOutElseReturn#3 (u32) -> copy-size:memcpy
