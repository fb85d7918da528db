# libgma: the two commands of the README, and the steps they are made of.
#
#   make forecast   the mortality forecast (R package on real data)
#   make test       every test: C++, C, Fortran, examples, R package
#
# Both first install what is missing (Debian/Ubuntu packages, via apt-get;
# sudo is used when not run as root).

BUILD   ?= build
OUT     ?= out
RLIB    := $(abspath $(BUILD))/Rlib
JOBS    ?= 2
RPKG_VERSION := $(shell sed -n 's/^Version: *//p' rpkg/DESCRIPTION 2>/dev/null)

DEBIAN_PACKAGES := build-essential cmake pkg-config gfortran \
  libarmadillo-dev libopenblas-dev libnlopt-dev libgtest-dev libbenchmark-dev \
  r-base-dev r-cran-rcpp r-cran-rcpparmadillo r-cran-testthat \
  r-cran-roxygen2 r-cran-survival r-cran-mcmc r-cran-jsonlite \
  r-cran-posterior r-cran-loo python3-numpy valgrind

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: forecast test deps cmake-build ctest rpkg-install rpkg-check \
        r-examples clean

# The main job: the Bayesian mortality forecast, table and fan chart.
forecast: deps rpkg-install
	mkdir -p $(OUT)
	R_LIBS=$(RLIB) Rscript examples/r/mortality_forecast.R $(OUT)

# Every test; fails if any fails.
test: deps ctest rpkg-check r-examples

# Install the Debian packages that are not installed yet.
deps:
	@missing=""; for p in $(DEBIAN_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | \
	    grep -q "ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq \
	    --no-install-recommends $$missing; \
	fi

# The C/C++ library, its tests and the C and Fortran examples.
cmake-build:
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release
	cmake --build $(BUILD) -j $(JOBS)

ctest: cmake-build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

# The R package, installed into a library inside the build folder.
rpkg-install:
	mkdir -p $(RLIB)
	cd rpkg && ./configure
	R CMD INSTALL --no-test-load -l $(RLIB) rpkg

# R CMD check on the tarball that R CMD build makes (runs the testthat
# suite and the examples); any ERROR or WARNING fails.
rpkg-check: rpkg-install
	mkdir -p $(BUILD)/rcheck
	cd $(BUILD)/rcheck && R CMD build $(CURDIR)/rpkg && \
	  _R_CHECK_FORCE_SUGGESTS_=false R CMD check --no-manual \
	    gma_$(RPKG_VERSION).tar.gz
	! grep -E "^\* .*(ERROR|WARNING)" \
	  $(BUILD)/rcheck/gma.Rcheck/00check.log

# The R examples, each of which stops on a failed check.
r-examples: rpkg-install
	mkdir -p $(OUT)
	R_LIBS=$(RLIB) Rscript examples/r/iris_logistic.R $(OUT)
	R_LIBS=$(RLIB) Rscript examples/r/mortality_forecast.R $(OUT)

clean:
	rm -rf $(BUILD) $(OUT)
