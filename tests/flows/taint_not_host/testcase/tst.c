/* A testcase: not host code. */
int tstCopy(void *pv, unsigned cb)
{
    memset(pv, 0, cb);
    return 0;
}
