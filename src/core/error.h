#pragma once

#include <stdexcept>
#include <string>

namespace diffrecon {

// Base of every error diffrecon throws at a public boundary. Messages name the object (operator,
// file, field) and state what was expected.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A value is outside what the callee accepts (negative spacing, unknown name, NaN tolerance, ...).
class InvalidArgument : public Error {
 public:
  using Error::Error;
};

// Tensor shape, dtype or device does not match what an operator or solver expects.
class ShapeMismatch : public Error {
 public:
  using Error::Error;
};

// A file cannot be read or written, or its contents are invalid.
class IoError : public Error {
 public:
  using Error::Error;
};

// The request is valid but this build or machine cannot serve it (e.g. CUDA without a CUDA LibTorch).
class NotSupported : public Error {
 public:
  using Error::Error;
};

}  // namespace diffrecon
