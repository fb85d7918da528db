// arma.hpp: the one place libgma includes Armadillo.
//
// The core never prints: Armadillo's own warnings are turned off here, and
// problems are reported through exceptions, statuses and the logger.
#ifndef GMA_ARMA_HPP
#define GMA_ARMA_HPP

#ifndef ARMA_WARN_LEVEL
#define ARMA_WARN_LEVEL 0
#endif
#ifndef ARMA_DONT_PRINT_EXCEPTIONS
#define ARMA_DONT_PRINT_EXCEPTIONS
#endif

#include <armadillo>

#endif  // GMA_ARMA_HPP
