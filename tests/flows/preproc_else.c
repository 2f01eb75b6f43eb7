/* An if/else chain that goes on inside #ifdef blocks: the branch is still a branch of the
   chain (its condition guards what it stores) and its "else if" is not a declaration. */
typedef unsigned int uint32_t;
uint32_t g_uFirst;
uint32_t g_uSecond;
uint32_t g_uThird;
uint32_t g_uAfter;

void pickKind(uint32_t enmKind, uint32_t uOther)
{
    if (enmKind == 1)
    {
        g_uFirst = 1;
    }
#ifdef WITH_SECOND
    else if (enmKind == 2)
    {
        g_uSecond = 2;
    }
#endif
    else if (enmKind == 3)
    {
        g_uThird = 3;
    }
    g_uAfter = uOther;
}

// flow here: pickKind#0 (enmKind) -> g_uSecond
// flow here: pickKind#0 (enmKind) -> g_uThird
// no flow here: pickKind#0 (enmKind) -> g_uAfter
// no flow here: pickKind#1 (uOther) -> g_uSecond
