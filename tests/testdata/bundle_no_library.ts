// A program that does not load @concurrent/futures: started as a pool's worker (with the marker),
// it cannot become one, so it runs to its end, as any program would, and exits.

console.log("a program without the library ran");
