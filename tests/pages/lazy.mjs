// The page's own lazy loading, as many sites do it: data-src becomes src when
// the image nears the viewport; one more image is added after the first load.
const io = new IntersectionObserver((entries) => {
  for (const entry of entries) {
    if (!entry.isIntersecting) continue;
    entry.target.src = entry.target.dataset.src;
    io.unobserve(entry.target);
  }
});
for (const img of document.querySelectorAll('img[data-src]')) io.observe(img);

addEventListener('load', () => {
  setTimeout(() => {
    const img = new Image(120, 90);
    img.id = 'added';
    img.alt = 'An image added by script';
    img.src = 'images/photo.jpg?added=1';
    document.getElementById('late').append(img);
  }, 200);
});
