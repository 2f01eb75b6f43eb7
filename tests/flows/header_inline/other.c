/* Not a header: its static function is seen only from this file. */
static unsigned locCount(unsigned cItems)
{
    return cItems * 2;
}

unsigned otherCount(unsigned c)
{
    return locCount(c);
}

// flow here: otherCount#0 -> otherCount()
