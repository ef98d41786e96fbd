DROP TABLE public_services;
