// Copyright 2026 The budgateway Authors. SPDX-License-Identifier: Apache-2.0
// CompletionStream's iterator is an input iterator: the C++20 concept holds,
// and `*it++` reads the element the iterator pointed to.
#include <budgateway/stream.hpp>

#include <iterator>
#include <type_traits>

namespace bg = budgateway;
using Iterator = bg::CompletionStream::iterator;

#if __cplusplus >= 202002L
static_assert(std::input_iterator<Iterator>);
static_assert(std::sentinel_for<Iterator, Iterator>);
#endif
static_assert(std::is_same_v<std::iterator_traits<Iterator>::iterator_category,
                             std::input_iterator_tag>);
static_assert(std::is_same_v<decltype(*std::declval<Iterator&>()++),
                             bg::Result<bg::CompletionChunk>&>);
