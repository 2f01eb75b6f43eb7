"""srcscan: where does this value come from, and where does it go?"""
__version__ = "0.1.0"
