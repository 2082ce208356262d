# Builds and installs ipctool: the binary (a static executable: the Swift runtime and the C
# library linked in, so it can be copied to a machine or into a container without the
# toolchain, and it starts and forks with a third of the page faults), the man page and the
# completion scripts. User names still come from the system's NSS modules, loaded at run time.
#   make                      build the release binary
#   make install              into $(DESTDIR)$(PREFIX)
#   make uninstall            remove what install put there
PREFIX ?= /usr/local
DESTDIR ?=
SCRATCH ?= .build-static
BIN = $(SCRATCH)/release/ipctool

BINDIR = $(DESTDIR)$(PREFIX)/bin
MANDIR = $(DESTDIR)$(PREFIX)/share/man/man1
BASHDIR = $(DESTDIR)$(PREFIX)/share/bash-completion/completions
ZSHDIR = $(DESTDIR)$(PREFIX)/share/zsh/site-functions
FISHDIR = $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d

.PHONY: all install uninstall

all: $(BIN)

$(BIN): Package.swift $(shell find Sources -type f)
	swift build -c release -Xswiftc -static-executable --scratch-path $(SCRATCH) --product ipctool

install: $(BIN)
	install -d $(BINDIR) $(MANDIR) $(BASHDIR) $(ZSHDIR) $(FISHDIR)
	install -m 755 $(BIN) $(BINDIR)/ipctool
	install -m 644 man/ipctool.1 $(MANDIR)/ipctool.1
	install -m 644 completions/ipctool.bash $(BASHDIR)/ipctool
	install -m 644 completions/_ipctool $(ZSHDIR)/_ipctool
	install -m 644 completions/ipctool.fish $(FISHDIR)/ipctool.fish

uninstall:
	rm -f $(BINDIR)/ipctool $(MANDIR)/ipctool.1 $(BASHDIR)/ipctool $(ZSHDIR)/_ipctool \
		$(FISHDIR)/ipctool.fish
