library(testthat)
library(gma)

test_check("gma")
