"""Local stand-ins for the chat platforms' APIs, run by the tests on a loopback port."""
